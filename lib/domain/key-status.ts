/** The outcome of asking a provider about a key. Shared by server and client (plain data). */
export type KeyStatus = "valid" | "invalid" | "limited" | "unreachable" | "undecryptable";

export interface KeyCheckResult {
  /** The key is genuine: `valid`, or `limited` (real, but rate-limited, out of credit or missing a scope). */
  valid: boolean;
  status: KeyStatus;
  /** A sentence for the user. Never contains the key, nor anything the provider said (providers echo keys). */
  message: string;
  /** The provider's HTTP status when it answered. */
  httpStatus?: number;
}
