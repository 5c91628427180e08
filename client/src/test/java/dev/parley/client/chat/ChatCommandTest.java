package dev.parley.client.chat;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.api.NotLoggedInException;
import dev.parley.client.AsyncChatRoom;
import dev.parley.server.ServerConfig;
import dev.parley.server.testing.Daemon;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code parley chat} as a person uses it: a child JVM with piped standard input and output,
 * talking with an {@link AsyncChatRoom} participant through a real daemon.
 */
class ChatCommandTest {
  /** How long any one expected thing may take; a wait ends as soon as it happens. */
  private static final Duration WAIT = Duration.ofSeconds(30);

  @RegisterExtension static final Daemon server = Daemon.withDefaults();

  @Test
  void aPersonChatsWithAnAgentAndLeavesAtTheEndOfInput() throws Exception {
    try (AsyncChatRoom bob = new AsyncChatRoom(server.uri(), "bob", "conv")) {
      say(bob, "welcome, whoever comes next");
      try (Chat alice =
          Chat.start("--user", "alice", "--room", "conv", "--server", server.uri().toString())) {
        converse(alice, bob, "conv");
      }
    }
  }

  @Test
  void aPersonChatsTheSameWayOverHttp() throws Exception {
    try (AsyncChatRoom bob = new AsyncChatRoom(server.uri(), "bob", "conv-http")) {
      say(bob, "welcome, whoever comes next");
      try (Chat alice =
          Chat.start(
              "--http",
              "--user",
              "alice",
              "--room",
              "conv-http",
              "--server",
              server.uri().toString())) {
        converse(alice, bob, "conv-http");
      }
    }
  }

  /** alice at the terminal, bob an agent: everything a person does in a chat, once. */
  private static void converse(Chat alice, AsyncChatRoom bob, String room) throws Exception {
    // The room's recent messages come first, for context, then the greeting.
    alice.expect("bob: welcome, whoever comes next");
    alice.expect(
        "[you are alice in " + room + "; type a line to send it, /help lists the commands]");
    awaitSeen(bob, "system: alice has joined");

    alice.type("hello bob");
    awaitSeen(bob, "alice: hello bob");

    say(bob, "hi alice");
    alice.expect("bob: hi alice");
    say(bob, "two lines:\nthe second is indented");
    alice.expect("bob: two lines:");
    assertThat(alice.next(1)).containsExactly("     the second is indented");
    bob.talkingStick();
    alice.expect("* bob has the talking stick");

    alice.type("/who");
    alice.expectMatching(
        l -> l.startsWith("[in the room: ") && l.contains("alice (") && l.contains("bob ("));

    alice.type("/draft first line");
    alice.expect("[drafted: 10 characters; /push sends it]");
    alice.type("/draft second line");
    alice.expect("[drafted: 22 characters; /push sends it]");
    alice.type("/draft oops");
    alice.expect("[drafted: 27 characters; /push sends it]");
    alice.type("/undo");
    alice.expect("[undone: 22 characters left]");
    alice.type("/preview");
    alice.expect("[draft: first line");
    assertThat(alice.next(1)).containsExactly("second line]");
    alice.type("/push");
    alice.expect("[sent]");
    awaitSeen(bob, "alice: first line\nsecond line");

    alice.type("/undo");
    alice.expect("[nothing to undo: the draft is empty]");
    alice.type("/frobnicate now");
    alice.expect("[unknown command /frobnicate: /help lists the commands]");
    alice.type("/history 2");
    alice.expect("[the last 2 messages in " + room + ":]");
    assertThat(alice.next(3))
        .containsExactly("* bob has the talking stick", "alice: first line", "       second line");
    alice.type("/history many");
    alice.expectMatching(l -> l.startsWith("[usage: /history [N]"));
    alice.type("//slash is not a command");
    awaitSeen(bob, "alice: /slash is not a command");

    Chat.Ended end = alice.endInput();
    assertThat(end.exitCode()).as("exit code; stderr: %s", end.stderr()).isZero();
    assertThat(end.lastLines()).last().isEqualTo("[left " + room + "]");
    awaitSeen(bob, "system: alice has left");
  }

  @Test
  void aMessageTheWaitingCheckTakesWhileMutedStillInterruptsAPush() throws Exception {
    try (AsyncChatRoom bob = new AsyncChatRoom(server.uri(), "bob", "mute1");
        Chat carol =
            Chat.start(
                "--http",
                "--user",
                "carol",
                "--room",
                "mute1",
                "--server",
                server.uri().toString())) {
      carol.expectMatching(l -> l.startsWith("[you are carol in mute1;"));
      // The listener's check is parked before the mute, so it is the one that takes "ping".
      awaitState(bob, "carol", "waiting");
      carol.type("/mute");
      carol.expect("[muted: messages wait until you type /mute again]");
      say(bob, "ping");
      await("carol's listener took ping and paused")
          .atMost(WAIT)
          .until(() -> !bob.participants().contains("carol (waiting"));

      carol.type("/draft my answer");
      carol.expect("[drafted: 9 characters; /push sends it]");
      carol.type("/push");
      List<String> beforeNotice =
          carol.expect(
              "[not sent: 1 new message arrived while muted (/mute shows them); /push to send it anyway, /reset to drop it]");
      carol.type("/mute");
      beforeNotice.addAll(carol.expect("[unmuted: 1 message held back while muted:]"));
      assertThat(beforeNotice).as("nothing shown while muted").noneMatch(l -> l.startsWith("bob:"));
      carol.expect("bob: ping");

      carol.type("/push");
      carol.expect("[sent]");
      awaitSeen(bob, "carol: my answer");
      carol.type("/quit");
      assertThat(carol.endInput().exitCode()).isZero();
    }
  }

  @Test
  void muteHoldsMessagesAndTheNoticeCountsAllThatArrived() throws Exception {
    // bob, an agent, speaks while carol, a person, drafts: in a room without human_first.
    createRoomWithoutHumanFirst("mute");
    try (AsyncChatRoom bob = new AsyncChatRoom(server.uri(), "bob", "mute");
        Chat carol =
            Chat.start(
                "--http",
                "--user",
                "carol",
                "--room",
                "mute",
                "--server",
                server.uri().toString())) {
      carol.expectMatching(l -> l.startsWith("[you are carol in mute;"));
      awaitState(bob, "carol", "waiting");
      carol.type("/mute");
      carol.expect("[muted: messages wait until you type /mute again]");
      // The check parked before the mute takes this one; the next stays on the server.
      say(bob, "ping");
      await("carol's listener pauses")
          .atMost(WAIT)
          .until(() -> !bob.participants().contains("carol (waiting"));

      carol.type("/draft my answer");
      carol.expect("[drafted: 9 characters; /push sends it]");
      say(bob, "hold on");
      carol.type("/push");
      List<String> beforeNotice =
          carol.expect(
              "[not sent: 2 new messages arrived while muted (/mute shows them); /push to send it anyway, /reset to drop it]");
      carol.type("/mute");
      beforeNotice.addAll(carol.expect("[unmuted: 2 messages held back while muted:]"));
      assertThat(beforeNotice).as("nothing shown while muted").noneMatch(l -> l.startsWith("bob:"));
      carol.expect("bob: ping");
      carol.expect("bob: hold on");

      carol.type("/push");
      carol.expect("[sent]");
      awaitSeen(bob, "carol: my answer");
      say(bob, "and now live again");
      carol.expect("bob: and now live again");

      carol.type("/quit");
      assertThat(carol.endInput().exitCode()).isZero();
      awaitSeen(bob, "system: carol has left");
    }
  }

  @Test
  void aDraftIsReportedAsDraftingWhileTheListenerWaits() throws Exception {
    try (AsyncChatRoom bob = new AsyncChatRoom(server.uri(), "bob", "presence");
        Chat dora =
            Chat.start(
                "--http",
                "--user",
                "dora",
                "--room",
                "presence",
                "--server",
                server.uri().toString())) {
      dora.expectMatching(l -> l.startsWith("[you are dora in presence;"));
      awaitState(bob, "dora", "waiting");
      dora.type("/draft thinking it over");
      dora.expect("[drafted: 16 characters; /push sends it]");
      // Her listener's check is still parked: the draft is what the room should see.
      awaitState(bob, "dora", "drafting");
      dora.type("/reset");
      dora.expect("[the draft is dropped]");
      awaitState(bob, "dora", "waiting");
      dora.type("/quit");
      assertThat(dora.endInput().exitCode()).isZero();
    }
  }

  @Test
  void theModeratorSpeaksOverHiddenMessagesAndTogglesThemWithCountsThatMatch() throws Exception {
    try (AsyncChatRoom bob = new AsyncChatRoom(server.uri(), "bob", "moderated");
        Chat mo =
            Chat.start(
                "--http",
                "--user",
                "mo",
                "--room",
                "moderated",
                "--server",
                server.uri().toString(),
                "--moderator",
                "--hide-messages")) {
      mo.expect(
          "[you are mo in moderated as the moderator; type a line to send it, /help lists the commands]");
      mo.expect("[hidden: messages wait until you type /toggle again]");
      say(bob, "one");
      say(bob, "two");
      // Unread messages do not hold a moderator's line back.
      mo.type("please stay on topic");
      awaitSeen(bob, "mo: please stay on topic");
      mo.type("/toggle");
      List<String> before = mo.expect("[shown: 2 messages held back while hidden:]");
      assertThat(before).as("nothing shown while hidden").noneMatch(l -> l.startsWith("bob:"));
      assertThat(mo.next(2)).containsExactly("bob: one", "bob: two");
      say(bob, "three");
      mo.expect("bob: three");

      // Hidden again while the listener's check waits: that check takes the next message.
      awaitState(bob, "mo", "waiting");
      mo.type("/toggle");
      mo.expect("[hidden: messages wait until you type /toggle again]");
      say(bob, "four");
      await("mo's listener took four and paused")
          .atMost(WAIT)
          .until(() -> !bob.participants().contains("mo (waiting"));
      mo.type("/toggle");
      mo.expect("[shown: 1 message held back while hidden:]");
      mo.expect("bob: four");
      mo.type("/quit");
      assertThat(mo.endInput().exitCode()).isZero();
    }
  }

  @Test
  void aDownDaemonIsReportedInOneLineAndTheCommandFails() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port;
    try (Chat dave = Chat.start("--user", "dave", "--server", url, "--retry-seconds", "1")) {
      dave.expect(
          "[no daemon answers at "
              + url
              + "; retrying with backoff for up to 1 s (start one with: parley serve)]");
      Chat.Ended end = dave.endInput();
      assertThat(end.exitCode()).isEqualTo(1);
      assertThat(end.stderr())
          .isEqualTo(
              "parley chat: no daemon answers at "
                  + url
                  + " (retried with backoff for 1 s); start one with: parley serve");
    }
  }

  @Test
  void overTheSocketAnOutageIsToldAndTheMessagesComeAgainWhenTheDaemonIsBack(@TempDir Path data)
      throws Exception {
    RunningServer daemon = RunningServer.start(ServerConfig.ephemeral().withDataDir(data));
    URI url = daemon.uri();
    try (AsyncChatRoom bob = new AsyncChatRoom(url, "bob", "outage");
        Chat alice =
            Chat.start(
                "--user",
                "alice",
                "--room",
                "outage",
                "--server",
                url.toString(),
                "--retry-seconds",
                "1")) {
      alice.expect("[you are alice in outage; type a line to send it, /help lists the commands]");
      say(bob, "before");
      alice.expect("bob: before");
      daemon.close();
      alice.expect("[the daemon at " + url + " does not answer; still retrying with backoff]");
      daemon =
          RunningServer.start(ServerConfig.ephemeral().withDataDir(data).withPort(url.getPort()));
      alice.expect("[the daemon answers again]");
      // alice typed nothing: the message comes over the socket that the chat took back.
      say(bob, "after");
      alice.expect("bob: after");
    } finally {
      daemon.close();
    }
  }

  @Test
  void aTakenNameAndAMissingNameAreRefusedPlainly() throws Exception {
    try (AsyncChatRoom erin = new AsyncChatRoom(server.uri(), "erin", "names")) {
      try (Chat twin =
          Chat.start("--user", "erin", "--room", "names", "--server", server.uri().toString())) {
        Chat.Ended end = twin.endInput();
        assertThat(end.exitCode()).isEqualTo(1);
        assertThat(end.stderr())
            .startsWith("parley chat: erin is in names, ")
            .contains("log in with resume set to that session's token")
            .endsWith("; or choose another --user");
      }
      assertThat(erin.participants()).isEqualTo("[in the room: erin (idle)]");
    }
    try (Chat nobody = Chat.start("--server", server.uri().toString())) {
      Chat.Ended end = nobody.endInput();
      assertThat(end.exitCode()).isEqualTo(2);
      assertThat(end.stderr()).startsWith("Missing --user (or PARLEY_USER): the name to chat as");
    }
  }

  @Test
  void theRoomsCreatorMutesPausesContinuesAndRemovesAgentsFromTheChat() throws Exception {
    // mo makes the room (so moderates it), with a loop guard of two agent messages in a row.
    RpcClient nobody = RpcClient.at(server.uri());
    JsonNode made =
        nobody.call(
            "login",
            Map.of(
                "username",
                "mo",
                "room",
                "modded",
                "options",
                Map.of("human_first", false, "max_agent_run", 2)));
    nobody.withSession(made.get("session").asText()).call("logout");
    try (AsyncChatRoom bot = new AsyncChatRoom(server.uri(), "bot", "modded");
        AsyncChatRoom bee = new AsyncChatRoom(server.uri(), "bee", "modded");
        Chat mo =
            Chat.start("--user", "mo", "--room", "modded", "--server", server.uri().toString())) {
      mo.expectMatching(l -> l.startsWith("[you are mo in modded;"));

      mo.type("/mute bot 60");
      mo.expect("[bot is muted for 60 s]");
      bot.append("let me in");
      assertThat(bot.push()).contains("[not sent: mo muted you until ");
      mo.type("/unmute bot");
      mo.expect("[bot may speak again]");
      mo.type("/unmute bot");
      mo.expect("[nothing to change: bot may speak again already]");
      mo.type("/mute bot");
      mo.expect("[bot is muted until /unmute]");
      mo.type("/unmute bot");
      mo.expect("[bot may speak again]");
      assertThat(bot.push()).doesNotContain("[not sent");
      bee.check(Duration.ZERO);
      say(bee, "me too");
      mo.expect(
          "* 2 agent messages in a row: agents wait until a person speaks or a"
              + " moderator continues");
      bot.check(Duration.ZERO);
      bot.append("and again");
      assertThat(bot.push())
          .isEqualTo(
              "[not sent: agents have sent 2 messages in a row with no person between them; wait"
                  + " (check) until a person speaks or a moderator lets the agents continue, then"
                  + " push again]");
      mo.type("/continue");
      mo.expect("[the agents may go on]");
      assertThat(bot.push()).doesNotContain("[not sent");

      mo.type("/pause");
      mo.expect("[the room is paused: only moderators speak]");
      mo.type("/pause");
      mo.expect("[nothing to change: the room is paused already]");
      bee.check(Duration.ZERO);
      bee.append("still here");
      assertThat(bee.push()).contains("[not sent: mo paused the room;");
      mo.type("a word from the moderator");
      awaitSeen(bot, "mo: a word from the moderator");
      mo.type("/resume");
      mo.expect("[the room is resumed]");

      mo.type("/remove bee");
      mo.expect("[bee is out of the room]");
      assertThatThrownBy(bee::participants)
          .isInstanceOfSatisfying(
              NotLoggedInException.class,
              e -> assertThat(e.reason()).isEqualTo(NotLoggedInException.Reason.REMOVED));
      mo.type("/mute");
      mo.expect("[muted: messages wait until you type /mute again]");
      // A name may hold spaces: only a last word of digits is the seconds.
      mo.type("/mute bot soon");
      mo.expect("[bot soon is muted until /unmute]");
      mo.type("/mute bot 604801");
      mo.expect(
          "[usage: /mute NAME [SECONDS], SECONDS from 1 to 604800; /mute alone hides messages]");
    }
  }

  @Test
  void seenAndTimelineTellWhoReadTheLastMessageSentAndWhatEachDidSince() throws Exception {
    try (Chat ann =
            Chat.start("--user", "ann", "--room", "asked", "--server", server.uri().toString());
        AsyncChatRoom bot = new AsyncChatRoom(server.uri(), "bot", "asked")) {
      ann.expectMatching(l -> l.startsWith("[you are ann in asked;"));
      ann.type("/seen");
      ann.expect("[usage: give a message id (msg-12): you have sent nothing here yet]");
      ann.type("shall we ship?"); // msg-3: ann joined, bot joined, then this
      awaitSeen(bot, "ann: shall we ship?");
      ann.type("/seen");
      ann.expect("[msg-3 was seen by bot]");
      bot.append("yes, on Friday");
      ann.type("/seen msg-3");
      ann.expect("[msg-3 was seen by bot (writing since)]");
      assertThat(bot.push()).doesNotContain("[not sent");
      ann.type("/timeline");
      ann.expect("[timeline of msg-3: bot saw it, started a draft, then sent msg-4]");
      ann.type("/timeline msg-99");
      ann.expectMatching(
          l -> l.startsWith("[error -32602, ") && l.contains("has no message msg-99"));
    }
  }

  /** Creates {@code room} with {@code human_first} off, by a login that leaves at once. */
  private static void createRoomWithoutHumanFirst(String room) {
    RpcClient nobody = RpcClient.at(server.uri());
    JsonNode made =
        nobody.call(
            "login",
            Map.of("username", "setup", "room", room, "options", Map.of("human_first", false)));
    assertThat(made.get("options").get("human_first").asBoolean()).isFalse();
    nobody.withSession(made.get("session").asText()).call("logout");
  }

  /** Waits until {@code who} sees {@code name} in the given presence state. */
  static void awaitState(AsyncChatRoom who, String name, String state) {
    await(name + " " + state)
        .atMost(WAIT)
        .until(() -> who.participants().contains(name + " (" + state));
  }

  private static void say(AsyncChatRoom who, String text) {
    who.append(text);
    assertThat(who.push()).doesNotContain("[not sent");
  }

  /** Waits until {@code who} has been delivered {@code text}: a whole message, or several lines. */
  private static void awaitSeen(AsyncChatRoom who, String text) {
    StringBuilder seen = new StringBuilder();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      String got = who.check(Duration.ofSeconds(5));
      if (!got.isEmpty()) {
        seen.append(got).append('\n');
      }
      if (seen.toString().contains(text + "\n")) {
        return;
      }
    }
    fail("%s never saw %s; it saw:%n%s", who.username(), text, seen);
  }

  /** {@code parley chat} in a child JVM, with its standard streams piped to the test. */
  private static final class Chat implements AutoCloseable {
    private final Process process;
    private final Writer in;
    private final BlockingQueue<String> out = new LinkedBlockingQueue<>();
    private final StringBuffer err = new StringBuffer();
    private final Thread outReader;
    private final Thread errReader;

    /** Marks the end of standard output in the queue. */
    private static final String EOF = new String("<eof>");

    private Chat(Process process) {
      this.process = process;
      this.in = new OutputStreamWriter(process.getOutputStream(), UTF_8);
      this.outReader =
          Thread.ofVirtual()
              .start(
                  () -> {
                    eachLine(process.getInputStream(), out::add);
                    out.add(EOF);
                  });
      this.errReader =
          Thread.ofVirtual()
              .start(() -> eachLine(process.getErrorStream(), l -> err.append(l).append('\n')));
    }

    static Chat start(String... args) throws IOException {
      // The tests' logging setup (warnings only, to stderr), named outright: without one, logback
      // would log everything to stdout, into the conversation.
      URL logging = ChatCommandTest.class.getClassLoader().getResource("logback-test.xml");
      assertThat(logging).as("logback-test.xml on the test classpath").isNotNull();
      List<String> command =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Dlogback.configurationFile=" + logging,
                  "-cp",
                  System.getProperty("java.class.path"),
                  ChatCommand.class.getName()));
      command.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(command);
      // The child must not pick up a user, room or server from the environment of the build.
      Map<String, String> env = pb.environment();
      env.remove("PARLEY_USER");
      env.remove("PARLEY_ROOM");
      env.remove("PARLEY_URL");
      env.remove("PARLEY_RETRY_SECONDS");
      return new Chat(pb.start());
    }

    /** Types a line, as a person pressing Enter. */
    void type(String line) throws IOException {
      in.write(line + "\n");
      in.flush();
    }

    /** Reads lines up to one equal to {@code expected}, and returns those before it. */
    List<String> expect(String expected) throws InterruptedException {
      return expectMatching(expected::equals, expected);
    }

    List<String> expectMatching(Predicate<String> wanted) throws InterruptedException {
      return expectMatching(wanted, "a line matching the condition");
    }

    private List<String> expectMatching(Predicate<String> wanted, String what)
        throws InterruptedException {
      List<String> before = new ArrayList<>();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (true) {
        String line = out.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (line == null || line == EOF) {
          fail(
              "expected %s; %s after:%n%s%nstderr:%n%s",
              what, line == null ? "timed out" : "output ended", String.join("\n", before), err);
        }
        if (wanted.test(line)) {
          return before;
        }
        before.add(line);
      }
    }

    /** The next {@code n} lines. */
    List<String> next(int n) throws InterruptedException {
      List<String> lines = new ArrayList<>();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (lines.size() < n) {
        String line = out.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (line == null || line == EOF) {
          fail("expected %d more lines, got %s; stderr:%n%s", n, lines, err);
        }
        lines.add(line);
      }
      return lines;
    }

    /** Closes standard input and waits for the process to end. */
    Ended endInput() throws Exception {
      in.close();
      if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
        fail("parley chat did not end after its input did; stderr:%n%s", err);
      }
      outReader.join(WAIT);
      errReader.join(WAIT);
      List<String> rest = new ArrayList<>(out);
      rest.remove(EOF);
      return new Ended(process.exitValue(), rest, err.toString().strip());
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }

    private static void eachLine(InputStream stream, java.util.function.Consumer<String> sink) {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          sink.accept(line);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** How the process ended: its exit code, the output lines not yet read, its stderr. */
    record Ended(int exitCode, List<String> lastLines, String stderr) {}
  }
}
