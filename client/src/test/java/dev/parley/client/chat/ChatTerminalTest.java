package dev.parley.client.chat;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.parley.client.AsyncChatRoom;
import dev.parley.server.testing.Daemon;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code parley chat} on a real terminal: a child JVM in a tmux pane (a pseudo-terminal), driven
 * with the keys a person presses and read back as the screen shows it.
 */
class ChatTerminalTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @RegisterExtension static final Daemon server = Daemon.withDefaults();

  @TempDir Path dir;

  @Test
  void theInputLineEditsAndSurvivesIncomingMessages() throws Exception {
    try (AsyncChatRoom bob = new AsyncChatRoom(server.uri(), "bob", "tty");
        Pane alice = Pane.start(dir, "--user", "alice", "--room", "tty")) {
      say(bob, "before you came");
      alice.awaitScreen("the greeting", s -> s.contains("[you are alice in tty;"));
      alice.awaitInputLine("alice> ");

      alice.type("hello bob");
      alice.press("Enter");
      awaitSeen(bob, "alice: hello bob");

      // A message that arrives mid-line is printed above it; the half-typed line stays whole.
      alice.type("half typed");
      alice.awaitInputLine("alice> half typed");
      say(bob, "an interjection");
      alice.awaitScreen("bob's line above the input", s -> s.contains("bob: an interjection"));
      alice.awaitInputLine("alice> half typed");
      alice.type(" and done");
      alice.press("Enter");
      awaitSeen(bob, "alice: half typed and done");
      alice.awaitInputLine("alice> ");

      // Up recalls the last line to edit it, Left and Backspace edit it: keys, never text.
      alice.press("Up");
      alice.awaitInputLine("alice> half typed and done");
      alice.press("BSpace", "BSpace", "BSpace", "BSpace");
      alice.type("over");
      alice.awaitInputLine("alice> half typed and over");
      alice.press("Enter");
      awaitSeen(bob, "alice: half typed and over");

      // Quotes and exclamation marks are text too.
      alice.type("don't panic!");
      alice.press("Enter");
      awaitSeen(bob, "alice: don't panic!");

      alice.type("/history 3");
      alice.press("Enter");
      alice.awaitScreen(
          "own messages marked in the history",
          s ->
              s.contains("alice (you): half typed and over") && s.contains("bob: an interjection"));

      // Ctrl-L clears the screen, leaving the input line at the top.
      alice.press("C-l");
      alice.awaitScreen("a cleared screen", s -> s.strip().equals("alice>") && !s.contains("bob:"));

      say(bob, "still there?");
      alice.awaitScreen("a message after the clear", s -> s.contains("bob: still there?"));
      assertThat(alice.screen()).doesNotContain("control character");

      // Ctrl-C leaves like /quit: the room sees alice go.
      alice.press("C-c");
      awaitSeen(bob, "system: alice has left");
      assertThat(alice.stderr()).isEmpty();
    }
  }

  @Test
  void theModeratorTogglesWhileTheLineBeingTypedStays() throws Exception {
    try (AsyncChatRoom bob = new AsyncChatRoom(server.uri(), "bob", "ttymod");
        Pane mo = Pane.start(dir, "--user", "mo", "--room", "ttymod", "--moderator")) {
      mo.awaitInputLine("mo [moderator]> ");
      mo.type("/toggle");
      mo.press("Enter");
      mo.awaitInputLine("mo [moderator, hidden]> ");
      say(bob, "one");
      mo.type("let us");
      say(bob, "two");
      mo.type(" begin");
      mo.press("Enter");
      awaitSeen(bob, "mo: let us begin");
      assertThat(mo.screen()).doesNotContain("bob: one").doesNotContain("bob: two");
      mo.type("/toggle");
      mo.press("Enter");
      mo.awaitScreen(
          "the held messages",
          s ->
              s.contains("[shown: 2 messages held back while hidden:]")
                  && s.contains("bob: one")
                  && s.contains("bob: two"));
      mo.awaitInputLine("mo [moderator]> ");
      mo.type("/quit");
      mo.press("Enter");
      awaitSeen(bob, "system: mo has left");
    }
  }

  private static void say(AsyncChatRoom who, String text) {
    who.append(text);
    assertThat(who.push()).doesNotContain("[not sent");
  }

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

  /** {@code parley chat} in a pane of its own tmux server, as a person's terminal window. */
  private static final class Pane implements AutoCloseable {
    private final String socket = "parley-test-" + UUID.randomUUID();
    private final Path stderr;

    private Pane(Path stderr) {
      this.stderr = stderr;
    }

    static Pane start(Path dir, String... args) throws Exception {
      URL logging = ChatTerminalTest.class.getClassLoader().getResource("logback-test.xml");
      assertThat(logging).as("logback-test.xml on the test classpath").isNotNull();
      Path err = Files.createTempFile(dir, "stderr", ".txt");
      List<String> command =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  // As parley.jar's manifest allows: JLine's terminal loads its native helper.
                  "--enable-native-access=ALL-UNNAMED",
                  "-Dlogback.configurationFile=" + logging,
                  "-cp",
                  System.getProperty("java.class.path"),
                  ChatCommand.class.getName(),
                  "--server",
                  server.uri().toString()));
      command.addAll(List.of(args));
      StringBuilder script =
          new StringBuilder("unset PARLEY_USER PARLEY_ROOM PARLEY_URL PARLEY_RETRY_SECONDS\nexec");
      for (String word : command) {
        script.append(' ').append(quote(word));
      }
      script.append(" 2>").append(quote(err.toString())).append('\n');
      Path file = Files.writeString(dir.resolve("chat-" + UUID.randomUUID() + ".sh"), script);
      Pane pane = new Pane(err);
      pane.tmux(
          "-f",
          "/dev/null",
          "new-session",
          "-d",
          "-s",
          "chat",
          "-x",
          "100",
          "-y",
          "30",
          "sh",
          file.toString());
      return pane;
    }

    /** Types text as keys, without Enter. */
    void type(String text) throws Exception {
      tmux("send-keys", "-t", "chat", "-l", text);
    }

    /** Presses named keys (tmux names: Enter, Up, BSpace, C-l, ...). */
    void press(String... keys) throws Exception {
      List<String> args = new ArrayList<>(List.of("send-keys", "-t", "chat"));
      args.addAll(List.of(keys));
      tmux(args.toArray(String[]::new));
    }

    /** The screen as it reads now, trailing blank lines left out. */
    String screen() throws Exception {
      return tmux("capture-pane", "-p", "-t", "chat").stripTrailing();
    }

    void awaitScreen(String what, Predicate<String> condition) {
      await(what).atMost(WAIT).ignoreExceptions().until(() -> condition.test(screen()));
    }

    /** Waits until the screen's last line, where the cursor is, reads {@code line}. */
    void awaitInputLine(String line) throws Exception {
      try {
        awaitScreen("the input line " + line, s -> lastLine(s).equals(line.stripTrailing()));
      } catch (RuntimeException e) {
        fail("the input line never read \"%s\"; the screen:%n%s", line, screen());
      }
    }

    String stderr() throws IOException {
      return Files.readString(stderr, UTF_8).strip();
    }

    private static String lastLine(String screen) {
      String[] lines = screen.split("\n");
      return lines[lines.length - 1].stripTrailing();
    }

    private String tmux(String... args) throws Exception {
      List<String> command = new ArrayList<>(List.of("tmux", "-L", socket));
      command.addAll(List.of(args));
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), UTF_8);
      if (!p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("tmux " + String.join(" ", args) + " failed: " + out);
      }
      return out;
    }

    private static String quote(String word) {
      return "'" + word.replace("'", "'\\''") + "'";
    }

    @Override
    public void close() throws Exception {
      try {
        tmux("kill-server");
      } catch (IOException e) {
        // The pane's program ended, and the tmux server with it.
      }
    }
  }
}
