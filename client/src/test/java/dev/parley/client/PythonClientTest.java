package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.api.FloorPolicy;
import dev.parley.api.ParticipantKind;
import dev.parley.api.RoomOptions;
import dev.parley.server.ServerConfig;
import dev.parley.server.ServerLimits;
import dev.parley.server.testing.RunningServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python client (client/python/parley_chat.py) against a real daemon: claude is the Python
 * AsyncChatRoom in a child python3, ChatGPT the Java one, and the two take turns through lines (see
 * {@link PythonScript}). Each test asserts every line the Python side prints, so both clients are
 * held to the same text.
 */
class PythonClientTest {

  @Test
  void theSeedTranscriptPrintsExactlyWhatTheSeedSays() throws Exception {
    try (RunningServer server = RunningServer.start();
        AsyncChatRoom chatgpt = new AsyncChatRoom(server.uri(), "ChatGPT", "lobby");
        PythonScript claude = PythonScript.run("transcript.py", server.uri(), "claude", Map.of())) {
      assertThat(claude.until("joined")).isEmpty();
      say(chatgpt, "anyone here?");

      assertThat(claude.until("pushed"))
          .containsExactly(
              "ChatGPT: anyone here?", // check()
              "", // append("yeah, i'm here")
              "", // push()
              "", // append("what's up?")
              ""); // push()
      assertThat(chatgpt.check()).isEqualTo("claude: yeah, i'm here\nclaude: what's up?");
      say(chatgpt, "oh, hi claude, what are you up to?");
      assertThat(claude.next()).isEqualTo("ChatGPT: oh, hi claude, what are you up to?"); // check()

      say(chatgpt, "did anything interesting recently?");
      claude.send("asked");
      assertThat(claude.until("done"))
          .containsExactly(
              "ChatGPT: did anything interesting recently?", // append("nothing much")
              "", // undo()
              "", // append("I started using this cool app")
              ""); // push()
      assertThat(chatgpt.check()).isEqualTo("claude: I started using this cool app");
      claude.send("read");
      claude.finished();
    }
  }

  @Test
  void aMentionEndsTheWaitAndNotesReachObserversOnly() throws Exception {
    try (RunningServer server = RunningServer.start();
        AsyncChatRoom chatgpt = new AsyncChatRoom(server.uri(), "ChatGPT", "mention");
        PythonScript claude = PythonScript.run("mention.py", server.uri(), "claude", Map.of())) {
      assertThat(claude.until("waiting")).isEmpty();
      // Speak only once claude's check is pending, so that the first message could wake it.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> chatgpt.participants().contains("claude (waiting)"));
      // The note went to observers only: it is no message of the room.
      assertThat(chatgpt.history(50)).noneMatch(m -> m.content().contains("only @claude wakes me"));
      say(chatgpt, "is anybody else here?");
      say(chatgpt, "@claude, are you?");
      assertThat(claude.until("done"))
          .containsExactly("ChatGPT: is anybody else here?", "ChatGPT: @claude, are you?");
      claude.finished();
    }
  }

  @Test
  void noticesSayWhatDidNotGoAsAskedInTheSameWordsAsJava() throws Exception {
    ServerConfig stickStage =
        new ServerConfig(
            "127.0.0.1",
            0,
            ServerLimits.defaults(),
            FloorPolicy.OPEN,
            Map.of("stage", FloorPolicy.STICK),
            Duration.ZERO,
            null);
    String xs = "x".repeat(1000);
    try (RunningServer server = RunningServer.start(stickStage);
        AsyncChatRoom chatgpt = new AsyncChatRoom(server.uri(), "ChatGPT", "notices");
        AsyncChatRoom onStage = new AsyncChatRoom(server.uri(), "ChatGPT", "stage")) {
      say(chatgpt, "welcome, claude");
      try (PythonScript claude = PythonScript.run("notices.py", server.uri(), "claude", Map.of())) {
        assertThat(claude.until("drafted"))
            .containsExactly(
                "system: ChatGPT has joined", // context()
                "ChatGPT: welcome, claude",
                "[nothing to push: the draft is empty]",
                "[nothing to undo: the draft is empty]",
                "[truncated: the last 10 characters were dropped; the draft ends with \""
                    + "x".repeat(80)
                    + "\"]",
                "[not appended: empty text: nothing to append]",
                "[not appended: the text breaks the content policy: text may not contain a control character U+0007 at index 0]",
                "[draft: " + xs + "]");

        say(chatgpt, "first!");
        claude.send("said");
        assertThat(claude.until("done"))
            .containsExactly(
                "ChatGPT: first!", // push(): interrupted
                "[not sent: 1 new message arrived; push again to send it, or revise it first]",
                "", // push(): sent
                "[you have the talking stick]",
                "[in the room: ChatGPT (idle), claude (idle, has the talking stick)]",
                "", // append("to undo")
                "", // undo()
                "", // reset()
                "[the draft is empty]",
                "ParleyError -32602 /timeout_ms"); // check(timeout=-1): no notice for a caller's
        // mistake
        assertThat(chatgpt.check())
            .isEqualTo(
                "claude: "
                    + xs
                    + "\nsystem: claude has the talking stick\nsystem: claude released the talking stick");
        claude.send("read");

        assertThat(claude.until("refused"))
            .containsExactly("[not appended: this room needs the talking stick; claim it first]");
        assertThat(onStage.talkingStick())
            .isEqualTo("system: claude has joined\n[you have the talking stick]");
        claude.send("claimed");
        assertThat(claude.until("done"))
            .containsExactly(
                "[not appended: the floor is held by ChatGPT; claim the talking stick when it is free]",
                "system: ChatGPT has the talking stick", // talking_stick()
                "[the talking stick is held by ChatGPT]",
                "[not sent: the floor is held by ChatGPT; claim the talking stick when it is free]");
        claude.finished();
      }
    }
  }

  @Test
  void ridesOutAStoppedDaemonLostAnswersAndADaemonThatLostTheSession(@TempDir Path data)
      throws Exception {
    ServerConfig durable = ServerConfig.ephemeral().withDataDir(data);
    RunningServer daemon = RunningServer.start(durable);
    try (FlakyRelay relay = new FlakyRelay(daemon.uri());
        AsyncChatRoom chatgpt = new AsyncChatRoom(relay.uri(), "ChatGPT", "lobby");
        PythonScript claude = PythonScript.run("resilience.py", relay.uri(), "claude", Map.of())) {
      assertThat(claude.until("joined")).isEmpty();
      say(chatgpt, "hello?");
      assertThat(claude.until("drafted")).containsExactly("ChatGPT: hello?", "");

      // The daemon stops; it starts again (on another port) only once claude found it gone.
      daemon.close();
      daemon = null;
      claude.send("stopped");
      assertThat(relay.awaitRefused(60)).as("claude's push found no daemon").isTrue();
      daemon = RunningServer.start(durable);
      relay.daemon(daemon.uri());
      assertThat(claude.until("pushed")).containsExactly("");
      assertThat(chatgpt.check()).isEqualTo("claude: half a thought");

      // The append lands, its answer (with ChatGPT's question) is lost: the question comes
      // from the history, and the text is not appended twice.
      say(chatgpt, "are you still there?");
      relay.cutNextAnswer();
      claude.send("cut");
      assertThat(claude.until("appended"))
          .containsExactly("ChatGPT: are you still there?", "[draft: , and the rest]");
      assertThat(relay.cuts()).isEqualTo(1);

      // The push is stored, its answer lost: the retry's txn_id keeps it from being sent twice.
      relay.cutNextAnswer();
      claude.send("cut");
      assertThat(claude.until("pushed")).containsExactly("");
      assertThat(relay.cuts()).isEqualTo(2);
      assertThat(chatgpt.check()).isEqualTo("claude: , and the rest");

      // A daemon that never knew claude's session: claude rejoins and says what was lost.
      daemon.close();
      daemon = null;
      daemon = RunningServer.start();
      relay.daemon(daemon.uri());
      claude.send("lost");
      assertThat(claude.until("done"))
          .containsExactly(
              "[the server had lost this session: rejoined lobby with an empty draft]",
              "[the draft is empty]");
      claude.finished();
    } finally {
      if (daemon != null) {
        daemon.close();
      }
    }
  }

  @Test
  void draftEditsWhoseAnswersAreLostAreRetriedWithTheirTxnIdsNotGuessedWithPreview()
      throws Exception {
    try (RunningServer server = RunningServer.start();
        CuttingProxy proxy = new CuttingProxy(server.uri());
        PythonScript claude = PythonScript.run("lost_edits.py", proxy.uri(), "claude", Map.of())) {
      assertThat(claude.until("joined")).isEmpty();
      proxy.cutNext("append");
      claude.send("cut");
      assertThat(claude.until("edited")).containsExactly("");
      proxy.cutNext("append");
      claude.send("cut");
      assertThat(claude.until("edited")).containsExactly("");
      proxy.cutNext("undo");
      claude.send("cut");
      assertThat(claude.until("edited")).containsExactly("", "[draft: one ]");
      proxy.cutNext("reset");
      claude.send("cut");
      assertThat(claude.until("done")).containsExactly("", "", "[draft: three]");
      assertThat(proxy.cuts()).isEqualTo(4);
      assertThat(proxy.calls("append")).isEqualTo(5);
      assertThat(proxy.calls("undo")).isEqualTo(2);
      assertThat(proxy.calls("reset")).isEqualTo(2);
      assertThat(proxy.calls("preview")).as("only the script's own").isEqualTo(2);
      claude.finished();
    }
  }

  @Test
  void whatALostAnswerCarriedComesBackEvenWhenAnotherCallDeliveredNewerMessagesFirst()
      throws Exception {
    try (RunningServer server = RunningServer.start();
        CuttingProxy proxy = new CuttingProxy(server.uri());
        AsyncChatRoom chatgpt = new AsyncChatRoom(server.uri(), "ChatGPT", "recovery");
        PythonScript claude =
            PythonScript.run("overlap_recovery.py", proxy.uri(), "claude", Map.of())) {
      assertThat(claude.until("joined")).isEmpty();
      say(chatgpt, "before the cut");
      proxy.cutNext("append");
      CuttingProxy.Hold resume = proxy.holdNext("login");
      claude.send("cut");
      assertThat(resume.arrived().await(30, TimeUnit.SECONDS)).as("the resume is held").isTrue();
      say(chatgpt, "while resuming");
      claude.send("meanwhile");
      assertThat(claude.until("delivered")).containsExactly("ChatGPT: while resuming");
      resume.release().countDown();
      assertThat(claude.until("done")).containsExactly("ChatGPT: before the cut", "");
      claude.finished();
    }
  }

  @Test
  void callsMayOverlapTheDraftGrowsWhileACheckWaits() throws Exception {
    try (RunningServer server = RunningServer.start();
        AsyncChatRoom chatgpt = new AsyncChatRoom(server.uri(), "ChatGPT", "overlap");
        PythonScript claude = PythonScript.run("overlap.py", server.uri(), "claude", Map.of())) {
      assertThat(claude.until("appended")).containsExactly("", "");
      say(chatgpt, "hi");
      assertThat(claude.next())
          .isEqualTo("ChatGPT: hi"); // the check, which waited through both appends
      assertThat(claude.next()).isEqualTo("[draft: written while waiting]");
      claude.finished();
    }
  }

  @Test
  void aRateLimitIsWaitedOutNotRaised() throws Exception {
    // 5 calls a second, one at a time: the script's quick calls must wait for their turn.
    ServerLimits slow = ServerLimits.defaults().withRate(5, 1);

    try (RunningServer server = RunningServer.start(slow);
        PythonScript claude = PythonScript.run("rate_limit.py", server.uri(), "claude", Map.of())) {
      assertThat(claude.next()).isEmpty();
      assertThat(claude.next()).isEmpty();
      assertThat(claude.next()).isEmpty();
      assertThat(claude.next()).isEqualTo("[draft: one, two, three]");
      assertThat(claude.next()).isEqualTo("waited");
      claude.finished();
    }
  }

  @Test
  void overTheWebSocketTheListenerHearsMessagesAsTheyArriveWithoutACheck() throws Exception {
    try (RunningServer server = RunningServer.start();
        AsyncChatRoom chatgpt = new AsyncChatRoom(server.uri(), "ChatGPT", "lobby");
        PythonScript claude = PythonScript.run("pushed.py", server.uri(), "claude", Map.of())) {
      assertThat(claude.until("joined")).isEmpty();
      say(chatgpt, "anyone here?");
      assertThat(claude.next()).isEqualTo("heard ChatGPT: anyone here?");
      say(chatgpt, "a second one, with ünïcødé " + "y".repeat(900));
      assertThat(claude.next())
          .isEqualTo("heard ChatGPT: a second one, with ünïcødé " + "y".repeat(900));
      claude.send("said");
      // A frame of over 125 bytes out, then the notices: none, then the empty draft.
      assertThat(claude.until("pushed"))
          .containsExactly("''", "''", "'[nothing to push: the draft is empty]'");
      assertThat(chatgpt.check()).isEqualTo("claude: " + "x".repeat(1000));
      claude.send("read");
      claude.finished();
    }
  }

  @Test
  void overTheWebSocketAListenerHearsAgainAfterTheDaemonWasGonePastItsRetryWindow(
      @TempDir Path data) throws Exception {
    RunningServer server = RunningServer.start(ServerConfig.ephemeral().withDataDir(data));
    URI url = server.uri();
    try (AsyncChatRoom chatgpt = new AsyncChatRoom(url, "ChatGPT", "lobby");
        PythonScript claude = PythonScript.run("pushed_restart.py", url, "claude", Map.of())) {
      assertThat(claude.until("joined")).isEmpty();
      say(chatgpt, "before");
      assertThat(claude.next()).isEqualTo("heard ChatGPT: before");
      server.close();
      assertThat(claude.next()).isEqualTo("reachable False");
      server =
          RunningServer.start(ServerConfig.ephemeral().withDataDir(data).withPort(url.getPort()));
      assertThat(claude.next()).isEqualTo("reachable True");
      say(chatgpt, "after");
      assertThat(claude.next()).isEqualTo("heard ChatGPT: after");
      claude.send("done");
      claude.finished();
    } finally {
      server.close();
    }
  }

  @Test
  void anAgentsPushWaitsWhileAHumanTypesInTheSameWordsAsJava() throws Exception {
    try (RunningServer server = RunningServer.start();
        PythonScript claude =
            PythonScript.run("human_first.py", server.uri(), "claude", Map.of())) {
      assertThat(claude.until("drafted")).containsExactly("");
      try (ChatSession ann =
          new ChatSession(
              server.uri(),
              "ann",
              "people",
              Duration.ofSeconds(5),
              null,
              null,
              false,
              ParticipantKind.HUMAN)) {
        ann.append("wait, let me say something first");
        claude.send("typing");
        assertThat(claude.until("held"))
            .containsExactly(
                "system: ann has joined", ChatText.HUMAN_DRAFTING, ChatText.HUMAN_DRAFTING);
        ann.push(false);
        assertThat(claude.until("done"))
            .containsExactly("ann: wait, let me say something first", "");
        assertThat(ann.check(Duration.ofSeconds(10), null).messages())
            .extracting(m -> m.content())
            .containsExactly("my two cents");
        claude.send("read");
        claude.finished();
      }
    }
  }

  @Test
  void aMuteThePauseAndTheLoopGuardReadInTheSameWordsAsJava() throws Exception {
    try (RunningServer server =
        RunningServer.start(
            ServerConfig.ephemeral().withRoomDefaults(new RoomOptions(false, 60, 2)))) {
      // ann makes the room, so moderates it.
      try (ChatSession ann =
              new ChatSession(
                  server.uri(),
                  "ann",
                  "moderated",
                  Duration.ofSeconds(5),
                  null,
                  null,
                  false,
                  ParticipantKind.HUMAN);
          AsyncChatRoom chatgpt = new AsyncChatRoom(server.uri(), "ChatGPT", "moderated");
          PythonScript claude =
              PythonScript.run("moderated.py", server.uri(), "claude", Map.of())) {
        assertThat(ann.moderator()).isTrue();
        assertThat(claude.until("joined")).containsExactly("False");
        say(chatgpt, "one");
        claude.send("spoke");
        assertThat(claude.until("pushed")).containsExactly("");

        ann.mute("claude", null);
        claude.send("muted");
        String muted = "[not sent: ann muted you; your draft is kept]";
        assertThat(claude.until("held")).containsExactly(muted);

        // ChatGPT, past the guard, reads what claude reads.
        chatgpt.check(Duration.ZERO);
        chatgpt.append("three");
        String guarded = chatgpt.push();
        assertThat(guarded).startsWith("[not sent: agents have sent 2 messages in a row");
        ann.unmute("claude");
        claude.send("unmuted");
        assertThat(claude.until("guarded")).containsExactly(guarded);

        ann.continueRun();
        ann.pause();
        claude.send("paused");
        String paused = claude.until("done").get(0);
        assertThat(paused)
            .isEqualTo(
                "[not sent: ann paused the room; only moderators speak until it is resumed:"
                    + " check, then push again]");
        assertThat(chatgpt.push()).isEqualTo(paused);
        claude.send("read");
        claude.finished();
      }
    }
  }

  @Test
  void receiptsAndTheTimelineReadInTheSameWordsAsJava() throws Exception {
    try (RunningServer server = RunningServer.start();
        PythonScript claude = PythonScript.run("receipts.py", server.uri(), "claude", Map.of())) {
      assertThat(claude.until("joined")).isEmpty();
      try (ChatSession ann =
          new ChatSession(
              server.uri(),
              "ann",
              "seen",
              Duration.ofSeconds(5),
              null,
              null,
              false,
              ParticipantKind.HUMAN)) {
        ann.append("Friday?");
        assertThat(ann.push(false).messageId()).isEqualTo("msg-3");
        claude.send("asked");
        assertThat(claude.until("read"))
            .containsExactly(
                "system: ann has joined",
                "ann: Friday?",
                ChatText.receiptsNotice(ann.receipts("msg-3")),
                ChatText.timelineNotice(ann.timeline("msg-3")));
        assertThat(ChatText.receiptsNotice(ann.receipts("msg-3")))
            .isEqualTo("[msg-3 was seen by claude]");
        assertThat(ChatText.timelineNotice(ann.timeline("msg-3")))
            .isEqualTo("[timeline of msg-3: claude saw it, did nothing since]");
        claude.send("compared");
        claude.finished();
      }
    }
  }

  @Test
  void overTheWebSocketAListenerWhoseNetworkGoesQuietHearsAgainOnANewSocket() throws Exception {
    try (RunningServer server = RunningServer.start();
        FlakyRelay relay = new FlakyRelay(server.uri());
        AsyncChatRoom chatgpt = new AsyncChatRoom(server.uri(), "ChatGPT", "lobby");
        PythonScript claude =
            PythonScript.run("pushed_quiet.py", relay.uri(), "claude", Map.of())) {
      assertThat(claude.until("joined")).isEmpty();
      say(chatgpt, "before");
      assertThat(claude.next()).isEqualTo("heard ChatGPT: before");
      // Nothing flows on claude's socket any more, and nothing closes it.
      relay.stallOpen();
      say(chatgpt, "after");
      assertThat(claude.next()).isEqualTo("heard ChatGPT: after");
      claude.send("done");
      claude.finished();
    }
  }

  @Test
  void withoutPARLEY_USERThePythonClientSaysWhoIsMissing() throws Exception {
    try (RunningServer server = RunningServer.start();
        PythonScript nobody = PythonScript.run("transcript.py", server.uri(), "", Map.of())) {
      assertThat(nobody.failure())
          .contains("PARLEY_USER is not set: say who you are, e.g. PARLEY_USER=claude");
    }
  }

  @Test
  void withoutPython3TheseTestsFailAndSayWhatToInstall(@TempDir Path noPython) {
    assertThatThrownBy(() -> PythonScript.python3(noPython.toString()))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("python3 was not found on PATH (" + noPython + ")")
        .hasMessageContaining("install it, e.g. apt-get install python3");
    assertThatThrownBy(() -> PythonScript.python3(null)).isInstanceOf(AssertionError.class);
  }

  private static void say(AsyncChatRoom who, String text) {
    assertThat(who.append(text)).doesNotContain("[not appended");
    assertThat(who.push()).doesNotContain("[not sent");
  }
}
