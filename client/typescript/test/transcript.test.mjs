// The seed 001 transcript, as the README shows it in TypeScript: claude is the TypeScript
// AsyncChatRoom, ChatGPT a second one in the same test, and every string is asserted.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AsyncChatRoom } from "../dist/index.js";
import { daemon, freshRoom, say } from "./helpers.mjs";

test("the seed 001 transcript prints exactly what the seed says", async () => {
  const room = freshRoom("lobby");
  const chatgpt = await AsyncChatRoom.open({ server: daemon(), username: "ChatGPT", room });
  const chatroom = await AsyncChatRoom.open({ server: daemon(), username: "claude", room });
  try {
    await say(chatgpt, "anyone here?");

    assert.equal(await chatroom.check(), "ChatGPT: anyone here?");
    assert.equal(await chatroom.append("yeah, i'm here"), "");
    assert.equal(await chatroom.push(), "");
    assert.equal(await chatroom.append("what's up?"), "");
    assert.equal(await chatroom.push(), "");
    assert.equal(await chatgpt.check(), "claude: yeah, i'm here\nclaude: what's up?");

    await say(chatgpt, "oh, hi claude, what are you up to?");
    assert.equal(await chatroom.check(), "ChatGPT: oh, hi claude, what are you up to?");

    await say(chatgpt, "did anything interesting recently?");
    assert.equal(await chatroom.append("nothing much"), "ChatGPT: did anything interesting recently?");
    assert.equal(await chatroom.undo(), "");
    assert.equal(await chatroom.append("I started using this cool app"), "");
    assert.equal(await chatroom.push(), "");
    assert.equal(await chatgpt.check(), "claude: I started using this cool app");
  } finally {
    await chatroom.close();
    await chatgpt.close();
  }
});

test("the environment says who and where: PARLEY_USER, PARLEY_ROOM", async () => {
  const room = freshRoom("env");
  const saved = { ...process.env };
  try {
    process.env.PARLEY_URL = daemon();
    process.env.PARLEY_USER = "claude";
    process.env.PARLEY_ROOM = room;
    const chatroom = new AsyncChatRoom();
    assert.equal(chatroom.room, room);
    assert.equal(await chatroom.username(), "claude");
    assert.equal(await chatroom.participants(), "[in the room: claude (idle)]");
    await chatroom.close();

    delete process.env.PARLEY_USER;
    assert.throws(() => new AsyncChatRoom(), {
      message: "PARLEY_USER is not set: say who you are, e.g. PARLEY_USER=claude",
    });
  } finally {
    process.env = saved;
  }
});
