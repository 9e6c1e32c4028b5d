/** How long a session lasts at most from its sign-in: the token's lifetime and its Session row's. */
export const SESSION_MAX_AGE = 30 * 24 * 60 * 60;
