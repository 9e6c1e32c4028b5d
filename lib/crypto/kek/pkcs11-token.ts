import "server-only";
import { KeyServiceUnavailableError } from "@/lib/errors";
import { log } from "@/lib/log";
import { KekConfigError } from "./kek";
import type { Pkcs11Config } from "./pkcs11-config";
import { closeQuietly, deadline, findSecretKeys, findSlot, loginError } from "./pkcs11-calls";
import {
  codeOf,
  describePkcs11Error,
  type Handle,
  type Library,
  openLibrary,
  type Pkcs11js,
  pkcs11js,
  trimLabel,
} from "./pkcs11-library";

/**
 * One PKCS#11 token, as the app uses it: a few logged-in sessions (a session runs one operation at a time, and
 * the …Async calls run on libuv's threads), each token key's handle found once, and recovery. When a call fails
 * the token is taken as gone: its sessions are dropped, callers get KeyServiceUnavailableError (503) at once for
 * RETRY_MS, then the next call connects afresh (slot by label, new session, login, handles). No restart needed.
 *
 * The calls that block the event loop are the synchronous ones: C_EncryptInit / C_DecryptInit before each
 * operation (the operation itself runs off the loop) and, on (re)connection only, slot, session, login and
 * object lookups. README "Keeping the master key in an HSM" has the measured times.
 */
const MAX_SESSIONS = 4;
/**
 * Calls given up on (past OPERATION_TIMEOUT_MS) still hold one of libuv's threads (4 by default, shared with DNS
 * lookups and the file system) until the token answers them. Past this many, callers get 503 at once, without
 * touching the token, until one of them returns: a token that hangs cannot take the process's threads with it.
 */
const MAX_STUCK = 2;
/** After a failure, calls answer 503 without touching the token for this long: a dead HSM is not hammered. */
const RETRY_MS = 1_000;

interface Session {
  handle: Handle;
  generation: number;
}

interface Waiter {
  resolve: (session: Session) => void;
  reject: (error: unknown) => void;
}

export class Pkcs11Token {
  private library?: Library;
  private slot?: Handle;
  private idle: Session[] = [];
  private open = 0;
  private waiting: Waiter[] = [];
  private handles = new Map<string, Handle>();
  /** Bumped by every reset: sessions and handles of an older generation are never used again. */
  private generation = 0;
  private retryAt = 0;
  /** Calls given up on that the token has not answered yet (see MAX_STUCK). */
  private stuck = 0;
  private failure: unknown;

  constructor(
    readonly config: Pkcs11Config,
    readonly p11: Pkcs11js,
  ) {}

  /**
   * Runs `work` on a logged-in session of this token with the key `label`'s handle, the session then going back
   * to the pool. Errors are the caller's to judge (pkcs11.ts): a token failure calls `unavailable`. Work that
   * outlives OPERATION_TIMEOUT_MS (pkcs11-calls.ts) is given up on, and its session with it.
   */
  async withKey<T>(label: string, work: (library: Library, session: Handle, key: Handle) => Promise<T>): Promise<T> {
    try {
      return await this.once(label, work);
    } catch (error) {
      if (!this.isStale(error)) throw error;
      // Our sessions or handles are of a token that restarted (or logged us out): connect afresh, once.
      this.forget();
      return this.once(label, work);
    }
  }

  private async once<T>(
    label: string,
    work: (library: Library, session: Handle, key: Handle) => Promise<T>,
  ): Promise<T> {
    const session = await this.acquire();
    let abandoned = false;
    try {
      const key = this.keyHandle(label, session.handle);
      const running = work(this.library!, session.handle, key);
      return await deadline(running, () => {
        abandoned = true;
        this.stuck++;
        void running.catch(() => {}).finally(() => this.stuck--);
      });
    } finally {
      if (abandoned) {
        this.open--; // still busy on a libuv thread: never handed out again
        this.serveWaiter();
      } else {
        this.release(session);
      }
    }
  }

  /** The answer to give after a failure: the connection is reset and callers are told the service is down. */
  unavailable(cause: unknown): KeyServiceUnavailableError {
    this.reset(cause);
    return new KeyServiceUnavailableError(cause);
  }

  /** A call succeeded: if the token had failed, say in the log that it is back. */
  answered(): void {
    if (this.failure === undefined) return;
    this.failure = undefined;
    log.info(
      { scope: "keys", hsmToken: this.config.tokenLabel },
      `the PKCS#11 token "${this.config.tokenLabel}" answers again`,
    );
  }

  /**
   * A session of its own, opened now (start, `kek:init`; the caller closes it): a module, token or PIN that
   * cannot be used is a KekConfigError naming its variable.
   */
  connectNow(readWrite = false): { library: Library; session: Handle } {
    const library = this.connectLibrary();
    const session = this.newSession(library, readWrite);
    return { library, session };
  }

  /** "SoftHSM project SoftHSM v2, serial 7c5…": what the token says it is. */
  describe(): string {
    const info = this.connectLibrary().C_GetTokenInfo(this.slot!);
    return [info.manufacturerID, info.model].map(trimLabel).join(" ") + `, serial ${trimLabel(info.serialNumber)}`;
  }

  private connectLibrary(): Library {
    this.library ??= openLibrary(this.p11, this.config.module);
    this.slot ??= findSlot(this.p11, this.library, this.config);
    return this.library;
  }

  private async acquire(): Promise<Session> {
    if (Date.now() < this.retryAt || this.stuck >= MAX_STUCK) throw new KeyServiceUnavailableError(this.failure);
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.open >= MAX_SESSIONS) return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.open++;
    try {
      return { handle: this.newSession(this.connectLibrary(), false), generation: this.generation };
    } catch (error) {
      this.open--;
      throw this.unavailable(error);
    }
  }

  /** A new session on the token, logged in (PKCS#11 login is per application: later sessions are already). */
  private newSession(library: Library, readWrite: boolean): Handle {
    const { p11 } = this;
    const flags = p11.CKF_SERIAL_SESSION | (readWrite ? p11.CKF_RW_SESSION : 0);
    let session: Handle;
    try {
      session = library.C_OpenSession(this.slot!, flags);
    } catch (cause) {
      throw new KekConfigError(
        `PKCS11_TOKEN_LABEL: the token "${this.config.tokenLabel}" opened no session (${describePkcs11Error(cause)}).`,
        { cause },
      );
    }
    try {
      library.C_Login(session, p11.CKU_USER, this.config.pin);
    } catch (cause) {
      if (codeOf(cause) === p11.CKR_USER_ALREADY_LOGGED_IN) return session;
      closeQuietly(library, session);
      throw loginError(p11, this.config, cause);
    }
    return session;
  }

  private release(session: Session): void {
    if (session.generation === this.generation) {
      const next = this.waiting.shift();
      if (next) next.resolve(session);
      else this.idle.push(session);
      return;
    }
    this.open--;
    closeQuietly(this.library, session.handle);
    this.serveWaiter();
  }

  /** A session left the pool for good: a caller waiting for one gets a new one instead. */
  private serveWaiter(): void {
    const next = this.waiting.shift();
    if (next) this.acquire().then(next.resolve, next.reject);
  }

  /** The handle of the key labelled `label` (found once per connection); KekConfigError when there is none. */
  keyHandle(label: string, session: Handle): Handle {
    const known = this.handles.get(label);
    if (known) return known;
    const found = findSecretKeys(this.p11, this.library!, session, label);
    if (found.length !== 1) {
      throw new KekConfigError(
        found.length === 0
          ? `PKCS11_KEY_LABELS: the token "${this.config.tokenLabel}" holds no secret key labelled "${label}". Create it with \`npm run kek:init\` (it creates the first label's key).`
          : `PKCS11_KEY_LABELS: the token "${this.config.tokenLabel}" holds ${found.length} secret keys labelled "${label}"; a label must name one key.`,
      );
    }
    this.handles.set(label, found[0]!);
    return found[0]!;
  }

  private isStale(error: unknown): boolean {
    const { p11 } = this;
    const stale = [
      p11.CKR_SESSION_HANDLE_INVALID,
      p11.CKR_SESSION_CLOSED,
      p11.CKR_OBJECT_HANDLE_INVALID,
      p11.CKR_KEY_HANDLE_INVALID,
      p11.CKR_USER_NOT_LOGGED_IN,
    ];
    return stale.includes(codeOf(error) ?? 0);
  }

  /** Drops every session and handle of this connection: the next call opens new ones. */
  private forget(): void {
    this.generation++;
    for (const session of this.idle.splice(0)) {
      this.open--;
      closeQuietly(this.library, session.handle);
    }
    this.handles.clear();
    this.slot = undefined;
  }

  private reset(cause: unknown): void {
    if (this.failure === undefined) {
      log.error(
        { scope: "keys", hsmToken: this.config.tokenLabel, cause: describePkcs11Error(cause) },
        `the PKCS#11 token "${this.config.tokenLabel}" failed (${describePkcs11Error(cause)}); opening and saving keys answers 503 until it answers again`,
      );
    }
    this.failure = cause;
    this.retryAt = Date.now() + RETRY_MS;
    this.forget();
    for (const waiter of this.waiting.splice(0)) waiter.reject(new KeyServiceUnavailableError(cause));
  }
}

const tokens = new Map<string, Pkcs11Token>();

/** The token these settings name, one per process and settings (sessions and recovery are shared). */
export async function tokenFor(config: Pkcs11Config): Promise<Pkcs11Token> {
  const id = JSON.stringify([config.module, config.tokenLabel, config.pin]);
  let token = tokens.get(id);
  if (!token) {
    token = new Pkcs11Token(config, await pkcs11js());
    tokens.set(id, token);
  }
  return token;
}
