// What the tests share: the daemon under test (PARLEY_URL, set by TypeScriptClientTest to a
// RunningServer), a fresh room per test, and a proxy that loses answers or refuses connections.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import http from "node:http";

/** The daemon the tests talk to; never a default, so a test cannot hit a developer's own daemon. */
export function daemon() {
  const url = process.env.PARLEY_URL;
  if (!url) {
    throw new Error("PARLEY_URL is not set: run the tests against a daemon, e.g. PARLEY_URL=http://127.0.0.1:8890 npm test");
  }
  return url;
}

/**
 * A second daemon, independent of the first (it knows none of its sessions), for the tests of a
 * daemon that lost the session; set by TypeScriptClientTest as PARLEY_OTHER_URL.
 */
export function otherDaemon() {
  const url = process.env.PARLEY_OTHER_URL;
  if (!url) throw new Error("PARLEY_OTHER_URL is not set: the address of a second daemon");
  return url;
}

/**
 * A daemon that allows a session 5 calls a second, one at a time (ServerLimits.withRate(5, 1)),
 * for the test of a rate limit; set by TypeScriptClientTest as PARLEY_SLOW_URL.
 */
export function slowDaemon() {
  const url = process.env.PARLEY_SLOW_URL;
  if (!url) throw new Error("PARLEY_SLOW_URL is not set: the address of a daemon run with --rate=5 --burst=1");
  return url;
}

/** A room no other test (nor an earlier run against the same daemon) has used. */
export function freshRoom(name) {
  return `${name}-${randomBytes(4).toString("hex")}`;
}

/** `who` says `text`: appends and pushes, and neither was refused nor interrupted. */
export async function say(who, text) {
  assert.doesNotMatch(await who.append(text), /\[not appended/);
  assert.doesNotMatch(await who.push(), /\[not sent/);
}

/**
 * Forwards POST /rpc to the daemon and notes each call's method; can lose the answer to the next
 * call of a given method after the daemon acted on it (the client's connection is cut instead),
 * and can stop listening for a while (a daemon that is down: connections are refused). The same
 * idea as the Java tests' CuttingProxy and FlakyRelay.
 */
export class CuttingProxy {
  #target;
  #server;
  #port;
  #cutNext;
  #holdNext;
  #sockets = new Set();
  methods = [];
  cuts = 0;

  static async start(target) {
    const proxy = new CuttingProxy(target);
    await proxy.#listen(0);
    return proxy;
  }

  constructor(target) {
    this.#target = new URL("/rpc", target);
  }

  get url() {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** The daemon answers the next call of `method`, but the client never hears it. */
  cutNext(method) {
    this.#cutNext = method;
  }

  /**
   * Holds the next call of `method` before it reaches the daemon until `release()` is called;
   * `arrived` resolves once it is held, so other calls run meanwhile in an order the test chooses.
   */
  holdNext(method) {
    let arrived;
    let release;
    const hold = {
      method,
      arrived: new Promise((resolve) => (arrived = resolve)),
      released: new Promise((resolve) => (release = resolve)),
    };
    hold.arrive = arrived;
    hold.release = release;
    this.#holdNext = hold;
    return hold;
  }

  /** Forwards to another daemon from now on (one that never knew the sessions of the first). */
  retarget(target) {
    this.#target = new URL("/rpc", target);
  }

  /** How many calls of `method` passed so far. */
  calls(method) {
    return this.methods.filter((m) => m === method).length;
  }

  /** Stops listening (new connections are refused) until `up()`. */
  async down() {
    await new Promise((resolve) => {
      this.#server.close(() => resolve());
      for (const s of this.#sockets) s.destroy();
    });
  }

  /** Listens again, on the same port. */
  async up() {
    await this.#listen(this.#port);
  }

  async close() {
    await this.down();
  }

  async #listen(port) {
    this.#server = http.createServer((req, res) => this.#forward(req, res));
    this.#server.on("connection", (s) => {
      this.#sockets.add(s);
      s.on("close", () => this.#sockets.delete(s));
    });
    await new Promise((resolve) => this.#server.listen(port, "127.0.0.1", resolve));
    this.#port = this.#server.address().port;
  }

  async #forward(req, res) {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks).toString("utf8");
    let method;
    try {
      method = JSON.parse(body).method;
    } catch {
      method = undefined;
    }
    this.methods.push(method);
    const hold = this.#holdNext;
    if (hold !== undefined && method === hold.method) {
      this.#holdNext = undefined;
      hold.arrive();
      await hold.released;
    }
    const headers = { "Content-Type": "application/json" };
    if (req.headers.authorization) headers.Authorization = req.headers.authorization;
    const answer = await fetch(this.#target, { method: "POST", headers, body });
    const text = await answer.text();
    if (method !== undefined && method === this.#cutNext) {
      // The daemon did it; its answer is lost on the way back.
      this.#cutNext = undefined;
      this.cuts += 1;
      req.socket.destroy();
      return;
    }
    res.writeHead(answer.status, { "Content-Type": "application/json" });
    res.end(text);
  }
}
