-- Masks of short keys (CONTRACT-WAVE3.md, "Masks"; lib/keys/mask.ts): a key of 9 to 31 characters now shows
-- n = floor(length / 8) characters at each end (1, 2 or 3) instead of four. The plaintext is not needed: a hint
-- of the previous rule for such a key is as long as the key (one "*" per hidden character) and holds its first
-- and last four characters, so the new hint keeps the first and last n of the old one and stars the rest
-- (char_length counts characters, as the app counts code points). Hints of 8 characters or fewer ("********"),
-- of 32 or more, and "" (a custom endpoint saved without a key) are left as they are. Updating the rows gives them
-- a new row version, so no process serves a key list it holds from before.
UPDATE "UserApiKey"
SET "keyHint" = left("keyHint", char_length("keyHint") / 8)
  || repeat('*', char_length("keyHint") - 2 * (char_length("keyHint") / 8))
  || right("keyHint", char_length("keyHint") / 8)
WHERE char_length("keyHint") BETWEEN 9 AND 31;
