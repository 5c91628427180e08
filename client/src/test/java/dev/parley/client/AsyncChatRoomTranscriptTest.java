package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.api.Message;
import dev.parley.api.ParticipantKind;
import dev.parley.server.testing.RunningServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The README's usage transcript, printed by AsyncChatRoom against a real daemon. */
class AsyncChatRoomTranscriptTest {

  @Test
  void theTranscriptPrintsExactlyWhatTheSeedSays() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      URI url = server.uri();
      try (AsyncChatRoom chatgpt = new AsyncChatRoom(url, "ChatGPT", "lobby");
          AsyncChatRoom chatroom = new AsyncChatRoom(url, "claude", "lobby")) {
        say(chatgpt, "anyone here?");

        assertThat(chatroom.check()).isEqualTo("ChatGPT: anyone here?");
        assertThat(chatroom.append("yeah, i'm here")).isEmpty();
        assertThat(chatroom.push()).isEmpty();
        assertThat(chatroom.append("what's up?")).isEmpty();
        assertThat(chatroom.push()).isEmpty();

        assertThat(chatgpt.check()).isEqualTo("claude: yeah, i'm here\nclaude: what's up?");
        say(chatgpt, "oh, hi claude, what are you up to?");
        assertThat(chatroom.check()).isEqualTo("ChatGPT: oh, hi claude, what are you up to?");

        say(chatgpt, "did anything interesting recently?");
        assertThat(chatroom.append("nothing much"))
            .isEqualTo("ChatGPT: did anything interesting recently?");
        assertThat(chatroom.undo()).isEmpty();
        assertThat(chatroom.append("I started using this cool app")).isEmpty();
        assertThat(chatroom.push()).isEmpty();

        assertThat(chatgpt.check()).isEqualTo("claude: I started using this cool app");
      }
    }
  }

  @Test
  void receiptsAndTheTimelineSayWhoSawAMessageAndWhatEachDidSince() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      URI url = server.uri();
      try (AsyncChatRoom a = new AsyncChatRoom(url, "a", "seen-words");
          AsyncChatRoom b = new AsyncChatRoom(url, "b", "seen-words");
          AsyncChatRoom c = new AsyncChatRoom(url, "c", "seen-words")) {
        say(b, "Friday?"); // msg-4, after the three joins
        assertThat(a.check(java.time.Duration.ZERO))
            .isEqualTo("system: b has joined\nsystem: c has joined\nb: Friday?");
        a.append("yes,");
        a.append(" Friday");
        assertThat(b.receipts("msg-4"))
            .isEqualTo("[msg-4 was seen by a (writing since); not yet seen by c]");
        assertThat(a.push()).isEmpty();
        assertThat(b.timeline("msg-4"))
            .isEqualTo(
                "a: yes, Friday\n[timeline of msg-4: a saw it, started a draft, changed its draft"
                    + " (append), then sent msg-5; c has not seen it, did nothing since]");
        assertThatThrownBy(() -> b.receipts("msg-99"))
            .isInstanceOf(dev.parley.api.InvalidParamsException.class)
            .hasMessageContaining("has no message msg-99");
      }
    }
  }

  @Test
  void noticesSayWhatDidNotGoAsAsked() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      try (AsyncChatRoom a = new AsyncChatRoom(server.uri(), "a", "notices");
          AsyncChatRoom b = new AsyncChatRoom(server.uri(), "b", "notices")) {
        a.check(java.time.Duration.ZERO);
        assertThat(a.push()).isEqualTo("[nothing to push: the draft is empty]");
        assertThat(a.undo()).isEqualTo("[nothing to undo: the draft is empty]");
        assertThat(a.append("x".repeat(1010)))
            .startsWith("[truncated: the last 10 characters were dropped;");
        assertThat(a.append("")).isEqualTo("[not appended: empty text: nothing to append]");
        b.append("first!");
        b.push();
        assertThat(a.push())
            .isEqualTo(
                "b: first!\n[not sent: 1 new message arrived; push again to send it, or revise it first]");
        assertThat(a.push()).isEmpty();
        assertThat(a.preview()).isEqualTo("[the draft is empty]");
        assertThat(a.talkingStick()).isEqualTo("[you have the talking stick]");
        assertThat(b.participants())
            .isEqualTo(
                "a: "
                    + "x".repeat(1000)
                    + "\nsystem: a has the talking stick\n"
                    + "[in the room: a (idle, has the talking stick), b (idle)]");
        assertThat(b.talkingStick()).isEqualTo("[you have the talking stick]");
      }
    }
  }

  @Test
  void anAgentsPushWaitsWhileAHumanTypesAndSaysSoInWordsAnLlmUnderstands() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      try (AsyncChatRoom claude = new AsyncChatRoom(server.uri(), "claude", "people");
          ChatSession ann =
              new ChatSession(
                  server.uri(),
                  "ann",
                  "people",
                  Duration.ofSeconds(5),
                  null,
                  null,
                  false,
                  ParticipantKind.HUMAN)) {
        assertThat(claude.append("my two cents")).isEqualTo("system: ann has joined");
        ann.append("wait, let me say something first");
        assertThat(claude.push()).isEqualTo(ChatText.HUMAN_DRAFTING);
        assertThat(claude.push()).isEqualTo(ChatText.HUMAN_DRAFTING);
        assertThat(ChatText.HUMAN_DRAFTING)
            .isEqualTo("[not sent: a human is typing; check, then push again]");
        ann.push(false);
        assertThat(claude.check()).isEqualTo("ann: wait, let me say something first");
        assertThat(claude.push()).isEmpty();
        assertThat(ann.check(Duration.ZERO, null).messages())
            .extracting(Message::content)
            .containsExactly("my two cents");
      }
    }
  }

  @Test
  void aListenerTakesTheMessagesAndTheTextKeepsOnlyTheNotices() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      List<String> heard = new CopyOnWriteArrayList<>();
      try (AsyncChatRoom a = new AsyncChatRoom(server.uri(), "a", "listened");
          AsyncChatRoom b =
              new AsyncChatRoom(
                  server.uri(),
                  "b",
                  "listened",
                  Duration.ofSeconds(5),
                  messages ->
                      messages.forEach(m -> heard.add(m.senderId() + ": " + m.content())))) {
        assertThat(b.contextMessages())
            .extracting(Message::content)
            .containsExactly("a has joined");
        say(a, "first!");
        assertThat(b.append("me too")).isEmpty();
        assertThat(heard).containsExactly("a: first!");
        say(a, "second");
        assertThat(b.push())
            .isEqualTo(
                "[not sent: 1 new message arrived; push again to send it, or revise it first]");
        assertThat(heard).containsExactly("a: first!", "a: second");
        assertThat(b.draftLength()).isEqualTo(6);
        // The log is read, not delivered: the listener hears nothing more.
        assertThat(b.history(2)).extracting(Message::content).containsExactly("first!", "second");
        assertThat(heard).hasSize(2);
      }
    }
  }

  private static void say(AsyncChatRoom who, String text) {
    who.append(text);
    assertThat(who.push()).doesNotContain("[not sent");
  }
}
