// The generated, typed client itself: by-name params with absent optionals left out, the session
// token sent as the bearer, and each JSON-RPC error rejected as the class its code declares.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  InvalidParamsError,
  NoDraftError,
  NotLoggedInError,
  ParleyClient,
  ParleyRpcError,
  SPEC_VERSION,
  TXN_METHODS,
  errorFor,
} from "../dist/index.js";
import { daemon, freshRoom } from "./helpers.mjs";

test("a login's token is the bearer of the calls after it, and results come typed as the spec says", async () => {
  const client = new ParleyClient(daemon());
  assert.equal(client.session, undefined);
  const room = freshRoom("typed");
  const joined = await client.login({ username: "claude", room });
  assert.equal(client.session, joined.session);
  assert.equal(joined.username, "claude");
  assert.equal(joined.room, room);
  assert.equal(joined.resumed, false);
  assert.ok(joined.limits.response_messages > 0);

  // Absent optionals (force, txn_id) are left out, not sent as null.
  const appended = await client.append({ text: "hello" });
  assert.equal(appended.status, 1);
  assert.equal(appended.draft_length, 5);
  const pushed = await client.push();
  assert.equal(pushed.status, 1);
  assert.match(pushed.message_id, /^msg-[0-9]+$/);

  const page = await client.history({ limit: 10 });
  assert.deepEqual(
    page.messages.map((m) => [m.sender_id, m.content]),
    [["system", "claude has joined"], ["claude", "hello"]],
  );
  await client.logout();
  assert.equal(client.session, undefined);
});

test("errors are typed by their code", async () => {
  const anonymous = new ParleyClient(daemon());
  await assert.rejects(anonymous.preview(), (e) => {
    assert.ok(e instanceof NotLoggedInError);
    assert.ok(e instanceof ParleyRpcError);
    assert.equal(e.code, 40010);
    assert.equal(NotLoggedInError.CODE, 40010);
    return true;
  });

  const client = new ParleyClient(daemon());
  await client.login({ username: "claude", room: freshRoom("errors") });
  await assert.rejects(client.push(), NoDraftError);
  await assert.rejects(client.check({ timeout_ms: -1 }), (e) => {
    assert.ok(e instanceof InvalidParamsError);
    assert.equal(e.data.pointer, "/timeout_ms");
    return true;
  });
  await client.logout();

  assert.ok(errorFor(40001, "No draft exists") instanceof NoDraftError);
  const unknown = errorFor(49999, "something new", { detail: "later" });
  assert.equal(unknown.constructor, ParleyRpcError);
  assert.equal(unknown.detail(), "later");
});

test("the client was generated from the spec this daemon serves", async () => {
  const served = await (await fetch(new URL("/openrpc.json", daemon()))).json();
  assert.equal(SPEC_VERSION, served.info.version);
  assert.deepEqual(TXN_METHODS, ["append", "undo", "push", "reset"]);
  const discovered = await new ParleyClient(daemon()).rpcDiscover();
  assert.deepEqual(
    discovered.methods.map((m) => m.name),
    served.methods.map((m) => m.name),
  );
});
