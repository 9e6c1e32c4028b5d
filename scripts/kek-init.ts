import { initKek } from "@/lib/crypto/kek/init";
import { pkcs11KekId } from "@/lib/crypto/kek/pkcs11-config";
import { run } from "./cli";

/** npm run kek:init — the token's key-encryption key, created once (see lib/crypto/kek/init.ts). */
await run(async () => {
  const report = await initKek();
  const { first } = report;
  console.log(`Token "${report.tokenLabel}" (${report.token}) through ${report.module}:`);
  if (first.created) {
    console.log(
      `  ${first.label}: created an AES-256 key inside the token: CKA_SENSITIVE true, CKA_EXTRACTABLE false (its value can never be read`,
    );
    console.log(`    or wrapped out), CKA_TOKEN and CKA_PRIVATE true, for encrypting and decrypting only.`);
  } else if (first.problem) {
    throw new Error(
      `${first.label} is in the token but cannot serve as a key-encryption key: ${first.problem}. Use a new label (put it first in PKCS11_KEY_LABELS).`,
    );
  } else {
    console.log(`  ${first.label}: already there (AES-256, sensitive, never extractable); nothing created.`);
  }
  for (const other of report.others) {
    console.log(
      `  ${other.label}: ${other.present ? "present; it unwraps what it wrapped before" : "NOT in the token: keys wrapped by it cannot be opened"}.`,
    );
  }
  console.log(
    `With KEK_BACKEND=pkcs11, ${pkcs11KekId(first.label)} wraps every new data key; \`npm run keys:rotate\` moves existing keys under it.`,
  );
});
