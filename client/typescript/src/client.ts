import { errorFor, ParleyApi, ParleyRpcError } from "./generated/api.js";

/** Where a daemon listens unless told otherwise (`./parley serve`). */
export const DEFAULT_SERVER = "http://127.0.0.1:8890";

/**
 * A call takes as long as the longest check (60 s at most by default), so an answer is waited for
 * beyond it before the call counts as lost.
 */
const READ_TIMEOUT_MS = 90_000;

/**
 * The daemon could not be reached, or the connection broke (or timed out) before its answer
 * arrived: the call may or may not have been carried out.
 */
export class ConnectionLostError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConnectionLostError";
  }
}

/** How a ParleyClient talks to its daemon. */
export interface ParleyClientOptions {
  /**
   * The access key of a daemon run with `--auth keys`: the bearer of calls made without a session
   * (such as `rooms`), as the Java client sends it. `login` takes it as its `key` param.
   */
  accessKey?: string;
  /** How long one call waits for its answer (ms); 90 s by default, beyond the longest check. */
  timeoutMs?: number;
}

/**
 * The generated, typed JSON-RPC 2.0 client over HTTP (`POST /rpc`, the global fetch): params by
 * name with the optional ones left out when absent (the spec allows no null param), and each
 * JSON-RPC error rejected as the ParleyRpcError subclass the spec declares for its code. A
 * successful `login` keeps the session token, and every later call sends it as
 * `Authorization: Bearer`; until then the access key (if any) is the bearer. It does not retry:
 * ChatSession does.
 */
export class ParleyClient extends ParleyApi {
  /** The daemon's JSON-RPC endpoint. */
  readonly endpoint: URL;
  private readonly accessKey: string | undefined;
  private readonly timeoutMs: number;
  private nextId = 1;
  private token: string | undefined;

  /** A client of the daemon at `server` (its base address, e.g. http://127.0.0.1:8890). */
  constructor(server: string | URL = DEFAULT_SERVER, options: ParleyClientOptions = {}) {
    super();
    const base = new URL(server);
    if (base.protocol !== "http:" && base.protocol !== "https:") {
      throw new TypeError(`Not a server address: ${server} (expected e.g. ${DEFAULT_SERVER})`);
    }
    this.endpoint = new URL("/rpc", base);
    this.accessKey = options.accessKey;
    this.timeoutMs = options.timeoutMs ?? READ_TIMEOUT_MS;
  }

  /** The session token of the last login, until logout; undefined before. */
  get session(): string | undefined {
    return this.token;
  }

  protected override async call(method: string, params: Record<string, unknown> | undefined): Promise<unknown> {
    const request: Record<string, unknown> = { jsonrpc: "2.0", id: this.nextId++, method };
    if (params !== undefined) {
      const present = Object.fromEntries(
        Object.entries(params).filter(([, v]) => v !== undefined && v !== null),
      );
      if (Object.keys(present).length > 0) {
        request.params = present;
      }
    }
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      Accept: "application/json",
    };
    const bearer = this.token ?? this.accessKey;
    if (bearer !== undefined) {
      headers.Authorization = `Bearer ${bearer}`;
    }
    let raw: string;
    try {
      const response = await fetch(this.endpoint, {
        method: "POST",
        headers,
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      // A JSON-RPC error may come with another status (413: a body over the limit): read it all the same.
      raw = await response.text();
    } catch (e) {
      // Refused, reset, timed out or cut mid-answer: all mean "try again later".
      throw new ConnectionLostError(`No answer from ${this.endpoint}: ${describe(e)}`, { cause: e });
    }
    let answer: unknown;
    try {
      answer = JSON.parse(raw);
    } catch (e) {
      // Not JSON (a proxy's error page, a truncated body): the answer was lost.
      throw new ConnectionLostError(`No readable answer from ${this.endpoint}: ${raw.slice(0, 200)}`, { cause: e });
    }
    if (answer === null || typeof answer !== "object" || (!("result" in answer) && !("error" in answer))) {
      throw new ConnectionLostError(`No JSON-RPC answer from ${this.endpoint}: ${raw.slice(0, 200)}`);
    }
    const { result, error } = answer as { result?: unknown; error?: unknown };
    if (error !== undefined && error !== null) {
      if (typeof error !== "object") {
        throw new ParleyRpcError(0, String(error));
      }
      const e = error as { code?: unknown; message?: unknown; data?: unknown };
      throw errorFor(typeof e.code === "number" ? e.code : 0, String(e.message ?? ""), e.data);
    }
    if (method === "login") {
      this.token = (result as { session: string }).session;
    } else if (method === "logout") {
      this.token = undefined;
    }
    return result;
  }
}

/** An error's message with its cause's (fetch says only "fetch failed"; the cause says why). */
function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as { cause?: unknown }).cause;
  return cause instanceof Error ? `${e.message}: ${cause.message}` : e.message;
}
