import { randomBytes } from "node:crypto";

/** The shape of a run, from the environment (README, Performance). */
export const SETTINGS = {
  durationSeconds: Number(process.env.BENCH_DURATION ?? 5),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 32),
  rounds: Number(process.env.BENCH_ROUNDS ?? 5),
  users: Number(process.env.BENCH_USERS ?? 20),
  largeRows: Number(process.env.BENCH_LARGE_ROWS ?? 1_000_000),
};

/** One keyring for the app under load and the in-process measurements, so both read the same rows. */
export const KEYRING = `bench:${randomBytes(32).toString("base64")}`;
