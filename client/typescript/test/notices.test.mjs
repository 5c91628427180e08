// The bracketed notices, in the same words as the Java and Python AsyncChatRoom: above all the
// interruption of a push by a message that arrived meanwhile.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AccessDeniedError, AsyncChatRoom, ParleyClient, ParleyRpcError } from "../dist/index.js";
import { daemon, freshRoom, say } from "./helpers.mjs";

test("a push interrupted by a new message says so, keeps the draft, and the next push sends it", async () => {
  const room = freshRoom("interrupt");
  const chatgpt = await AsyncChatRoom.open({ server: daemon(), username: "ChatGPT", room });
  const claude = await AsyncChatRoom.open({ server: daemon(), username: "claude", room });
  try {
    assert.equal(await chatgpt.check({ timeoutMs: 0 }), "system: claude has joined");
    assert.equal(await claude.append("my answer"), "");
    await say(chatgpt, "first!");
    assert.equal(
      await claude.push(),
      "ChatGPT: first!\n[not sent: 1 new message arrived; push again to send it, or revise it first]",
    );
    assert.equal(await claude.preview(), "[draft: my answer]");

    await say(chatgpt, "second");
    await say(chatgpt, "third");
    assert.equal(
      await claude.push(),
      "ChatGPT: second\nChatGPT: third\n[not sent: 2 new messages arrived; push again to send it, or revise it first]",
    );
    assert.equal(await claude.push(), "");
    assert.equal(await chatgpt.check(), "claude: my answer");
  } finally {
    await claude.close();
    await chatgpt.close();
  }
});

test("what did not go as asked is a notice, as in Java and Python", async () => {
  const room = freshRoom("notices");
  const chatgpt = await AsyncChatRoom.open({ server: daemon(), username: "ChatGPT", room });
  await say(chatgpt, "welcome, claude");
  const claude = await AsyncChatRoom.open({ server: daemon(), username: "claude", room });
  try {
    assert.equal(await claude.context(), "system: ChatGPT has joined\nChatGPT: welcome, claude");
    assert.equal(await claude.push(), "[nothing to push: the draft is empty]");
    assert.equal(await claude.undo(), "[nothing to undo: the draft is empty]");
    assert.equal(
      await claude.append("x".repeat(1010)),
      `[truncated: the last 10 characters were dropped; the draft ends with "${"x".repeat(80)}"]`,
    );
    assert.equal(await claude.append(""), "[not appended: empty text: nothing to append]");
    assert.equal(
      await claude.append("\u0007"),
      "[not appended: the text breaks the content policy: text may not contain a control character U+0007 at index 0]",
    );
    assert.equal(await claude.preview(), `[draft: ${"x".repeat(1000)}]`);
    assert.equal(await claude.talkingStick(), "[you have the talking stick]");
    assert.equal(
      await claude.participants(),
      "[in the room: ChatGPT (idle), claude (drafting, has the talking stick)]",
    );
    assert.equal(await claude.reset(), "");
    assert.equal(await claude.preview(), "[the draft is empty]");
  } finally {
    await claude.close();
    await chatgpt.close();
  }
});

test("an agent's push waits while a human types, and says so in the Java and Python words", async () => {
  const room = freshRoom("people");
  const claude = await AsyncChatRoom.open({ server: daemon(), username: "claude", room });
  const ann = new ParleyClient(daemon());
  await ann.login({ username: "ann", room, kind: "human" });
  try {
    assert.equal(await claude.append("my two cents"), "system: ann has joined");
    await ann.append({ text: "wait, let me say something first" });
    const held = "[not sent: a human is typing; check, then push again]";
    assert.equal(await claude.push(), held);
    assert.equal(await claude.push(), held);
    await ann.push({});
    assert.equal(await claude.check(), "ann: wait, let me say something first");
    assert.equal(await claude.push(), "");
  } finally {
    await ann.logout();
    await claude.close();
  }
});

test("a mute, a pause and the loop guard read as in Java and Python, the draft kept", async () => {
  const room = freshRoom("moderated");
  // ann, a person, makes the room (so moderates it) with a loop guard of one agent message.
  const ann = new ParleyClient(daemon());
  const made = await ann.login({ username: "ann", room, kind: "human", options: { max_agent_run: 1 } });
  assert.equal(made.moderator, true);
  const claude = await AsyncChatRoom.open({ server: daemon(), username: "claude", room });
  try {
    await ann.mute({ user: "claude" });
    await claude.append("my answer");
    assert.equal(await claude.push(), "[not sent: ann muted you; your draft is kept]");
    await ann.unmute({ user: "claude" });
    await ann.pause();
    assert.equal(
      await claude.push(),
      "[not sent: ann paused the room; only moderators speak until it is resumed: check, then push again]",
    );
    await ann.resume();
    await claude.check({ timeoutMs: 0 });
    assert.equal(await claude.push(), "");
    await claude.append("and more");
    assert.equal(
      await claude.push(),
      "[not sent: agents have sent 1 message in a row with no person between them; wait (check) until a person speaks or a moderator lets the agents continue, then push again]",
    );
    assert.equal((await ann.continue()).status, 1);
    assert.equal(await claude.check({ timeoutMs: 0 }), "system: ann let the agents go on");
    assert.equal(await claude.push(), "");
    // That message reached the limit again, and the room says so once more.
    assert.equal(
      await claude.preview(),
      "system: 1 agent message in a row: agents wait until a person speaks or a moderator continues\n[the draft is empty]",
    );
  } finally {
    await claude.close();
    await ann.logout();
  }
});

test("receipts, the timeline and a moderator's calls read in the Java and Python words", async () => {
  const room = freshRoom("seen");
  // ann makes the room, so moderates it.
  const ann = await AsyncChatRoom.open({ server: daemon(), username: "ann", room });
  const claude = await AsyncChatRoom.open({ server: daemon(), username: "claude", room });
  try {
    assert.equal(ann.chatSession.moderator, true);
    assert.equal(claude.chatSession.moderator, false);
    assert.equal(await ann.check({ timeoutMs: 0 }), "system: claude has joined");
    await say(ann, "Friday?"); // msg-3
    assert.equal(await ann.receipts("msg-3"), "[msg-3 was seen by nobody; not yet seen by claude]");
    assert.equal(await claude.check({ timeoutMs: 0 }), "ann: Friday?");
    assert.equal(await claude.append("yes"), "");
    assert.equal(await ann.receipts("msg-3"), "[msg-3 was seen by claude (writing since)]");

    assert.equal(await ann.mute("claude"), "[claude is muted]");
    assert.equal(await ann.mute("claude"), "[nothing to change: claude is muted already]");
    assert.equal(await claude.push(), "[not sent: ann muted you; your draft is kept]");
    assert.equal(
      await ann.timeline("msg-3"),
      "[timeline of msg-3: claude saw it, started a draft, its push was refused (40014 The room does not take this push now: ann muted you until they unmute you: your draft is kept)]",
    );
    await assert.rejects(
      claude.mute("ann"),
      (e) => e instanceof AccessDeniedError && e.data?.reason === "moderator",
    );
    assert.equal(await ann.unmute("claude"), "[claude may speak]");
    assert.equal(await claude.push(), "system: ann muted claude\nsystem: ann unmuted claude");
    assert.equal(await ann.pause(), "claude: yes\n[the room is paused]");
    assert.equal(await ann.resume(), "[the room is resumed]");
    assert.equal(await ann.continueRun(), "[the agents may go on]");
    await assert.rejects(
      ann.timeline("msg-99"),
      (e) => e instanceof ParleyRpcError && e.code === -32602 && e.data?.pointer === "/message_id",
    );
  } finally {
    await claude.close();
    await ann.close();
  }
});
