// The resilience rules of the Java ChatSession, against a real daemon through a proxy that loses
// answers after the daemon acted, refuses connections for a while, or switches to a daemon that
// never knew the session.
import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { AsyncChatRoom, ConnectionLostError } from "../dist/index.js";
import { CuttingProxy, daemon, freshRoom, otherDaemon, say, slowDaemon } from "./helpers.mjs";

test("a push whose answer was lost is retried with its txn_id and sent once", async () => {
  const proxy = await CuttingProxy.start(daemon());
  const room = freshRoom("txn");
  const chatgpt = await AsyncChatRoom.open({ server: daemon(), username: "ChatGPT", room });
  const claude = await AsyncChatRoom.open({ server: proxy.url, username: "claude", room });
  try {
    assert.equal(await claude.append("half a thought"), "");
    proxy.cutNext("push");
    assert.equal(await claude.push(), "");
    assert.equal(proxy.cuts, 1);
    assert.equal(proxy.calls("push"), 2, "the push and its retry");
    assert.equal(proxy.calls("login"), 2, "the join and the resume");
    assert.equal(await chatgpt.check(), "system: claude has joined\nclaude: half a thought");
    assert.equal(await chatgpt.check({ timeoutMs: 300 }), "", "sent once, not twice");
    assert.equal(await claude.preview(), "[the draft is empty]");
  } finally {
    await claude.close();
    await chatgpt.close();
    await proxy.close();
  }
});

test("what a lost answer carried is recovered from the history, and draft edits are not done twice", async () => {
  const proxy = await CuttingProxy.start(daemon());
  const room = freshRoom("lost");
  const chatgpt = await AsyncChatRoom.open({ server: daemon(), username: "ChatGPT", room });
  const claude = await AsyncChatRoom.open({ server: proxy.url, username: "claude", room });
  try {
    assert.equal(await claude.append("one "), "");
    await say(chatgpt, "are you still there?");
    proxy.cutNext("append");
    assert.equal(await claude.append("two "), "ChatGPT: are you still there?");
    proxy.cutNext("undo");
    assert.equal(await claude.undo(), "");
    assert.equal(await claude.preview(), "[draft: one ]");
    proxy.cutNext("reset");
    assert.equal(await claude.reset(), "");
    assert.equal(await claude.append("three"), "");
    assert.equal(await claude.preview(), "[draft: three]");
    assert.equal(proxy.cuts, 3);
    assert.equal(proxy.calls("append"), 4);
    assert.equal(proxy.calls("undo"), 2);
    assert.equal(proxy.calls("reset"), 2);
    assert.equal(proxy.calls("preview"), 2, "only the test's own: a retry does not guess with preview");
    // The recovered message is handed over once: not again by a later call.
    assert.equal(await claude.check({ timeoutMs: 300 }), "");
  } finally {
    await claude.close();
    await chatgpt.close();
    await proxy.close();
  }
});

test("a check whose answer was lost hands over what it carried at once, instead of waiting again", async () => {
  const proxy = await CuttingProxy.start(daemon());
  const room = freshRoom("lostcheck");
  const chatgpt = await AsyncChatRoom.open({ server: daemon(), username: "ChatGPT", room });
  const claude = await AsyncChatRoom.open({ server: proxy.url, username: "claude", room });
  try {
    await say(chatgpt, "anyone here?");
    proxy.cutNext("check");
    const started = Date.now();
    assert.equal(await claude.check({ timeoutMs: 20_000 }), "ChatGPT: anyone here?");
    assert.ok(Date.now() - started < 10_000, "the retry did not wait for the check's timeout");
    assert.equal(proxy.calls("check"), 1, "the recovered message answered the retry");
    assert.equal(await claude.check({ timeoutMs: 300 }), "");
  } finally {
    await claude.close();
    await chatgpt.close();
    await proxy.close();
  }
});

test("what a lost answer carried comes back even when another call delivered newer messages first", async () => {
  const proxy = await CuttingProxy.start(daemon());
  const room = freshRoom("overlap");
  const chatgpt = await AsyncChatRoom.open({ server: daemon(), username: "ChatGPT", room });
  const claude = await AsyncChatRoom.open({ server: proxy.url, username: "claude", room });
  try {
    await say(chatgpt, "before the cut");
    proxy.cutNext("append");
    const resume = proxy.holdNext("login");
    const appended = claude.append("lost answer");
    await resume.arrived;
    await say(chatgpt, "while resuming");
    // Calls overlap: this check runs while the append's resume is held at the proxy.
    assert.equal(await claude.check(), "ChatGPT: while resuming");
    resume.release();
    assert.equal(await appended, "ChatGPT: before the cut");
    assert.equal(await claude.preview(), "[draft: lost answer]");
  } finally {
    await claude.close();
    await chatgpt.close();
    await proxy.close();
  }
});

test("a refused connection is retried with backoff until the daemon is back", async () => {
  const proxy = await CuttingProxy.start(daemon());
  const room = freshRoom("refused");
  const chatgpt = await AsyncChatRoom.open({ server: daemon(), username: "ChatGPT", room });
  const claude = await AsyncChatRoom.open({ server: proxy.url, username: "claude", room });
  try {
    assert.equal(await claude.append("said through an outage"), "");
    await proxy.down();
    const pushed = claude.push();
    await sleep(800);
    await proxy.up();
    assert.equal(await pushed, "");
    assert.equal(await chatgpt.check(), "system: claude has joined\nclaude: said through an outage");
  } finally {
    await claude.close();
    await chatgpt.close();
    await proxy.close();
  }
});

test("past the retry window a call rejects with ConnectionLostError", async () => {
  const proxy = await CuttingProxy.start(daemon());
  const claude = await AsyncChatRoom.open({
    server: proxy.url,
    username: "claude",
    room: freshRoom("gone"),
    retryForMs: 500,
  });
  await proxy.down();
  const started = Date.now();
  await assert.rejects(claude.preview(), ConnectionLostError);
  assert.ok(Date.now() - started >= 500, "it retried for the window first");
  await proxy.up();
  await claude.close();
  await proxy.close();
});

test("a daemon that lost the session is joined again, and the room says what was lost", async () => {
  const proxy = await CuttingProxy.start(daemon());
  const room = freshRoom("restart");
  const claude = await AsyncChatRoom.open({ server: proxy.url, username: "claude", room });
  try {
    assert.equal(await claude.append("a draft the new daemon never had"), "");
    proxy.retarget(otherDaemon());
    assert.equal(
      await claude.preview(),
      `[the server had lost this session: rejoined ${room} with an empty draft]\n[the draft is empty]`,
    );
    assert.equal(await claude.append("again"), "");
    assert.equal(await claude.preview(), "[draft: again]");
  } finally {
    await claude.close();
    await proxy.close();
  }
});

test("a rate limit is waited out for as long as the daemon says, not raised", async () => {
  const proxy = await CuttingProxy.start(slowDaemon());
  const claude = await AsyncChatRoom.open({ server: proxy.url, username: "claude", room: freshRoom("slow") });
  try {
    assert.equal(await claude.append("one"), "");
    assert.equal(await claude.append(", two"), "");
    assert.equal(await claude.append(", three"), "");
    assert.equal(await claude.preview(), "[draft: one, two, three]");
    // Some of these quick calls met the limit and were sent again after retry_after_ms.
    assert.ok(proxy.methods.length > 5, `calls: ${proxy.methods.join(", ")}`);
    assert.equal(proxy.calls("login"), 1, "a rate limit is no lost session: no resume");
  } finally {
    await claude.close();
    await proxy.close();
  }
});
