package dev.parley.server.ws;

import static dev.parley.server.testing.RpcClient.chatLines;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.testing.Daemon;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.Seed001Transcript;
import dev.parley.server.testing.SocketClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The seed 001 conversation of the README's usage transcript with its participants on either door:
 * one on HTTP and one on a socket, and both on sockets; and the interruption rule across the two.
 * Over a socket that does not subscribe, every call returns what the same call returns over HTTP; a
 * subscribed socket gets the same messages as notifications, and not again in the answers.
 */
class SocketTranscriptTest {
  @RegisterExtension static final Daemon server = Daemon.withDefaults();

  private static final AtomicInteger ROOMS = new AtomicInteger();

  /** One participant, on one door. */
  private interface Participant extends AutoCloseable {
    JsonNode call(String method, Map<String, ?> params);

    default JsonNode call(String method) {
      return call(method, Map.of());
    }

    @Override
    default void close() {}
  }

  private static Participant join(String door, String name, String room) {
    if (door.equals("http")) {
      RpcClient c = server.login(name, room);
      return c::call;
    }
    SocketClient socket = SocketClient.open(server.uri());
    socket.login(name, room, false);
    return new Participant() {
      @Override
      public JsonNode call(String method, Map<String, ?> params) {
        return socket.call(method, params);
      }

      @Override
      public void close() {
        assertThat(socket.takeNotifications()).as("notifications unasked for").isEmpty();
        socket.close();
      }
    };
  }

  @ParameterizedTest(name = "ChatGPT on {0}, claude on {1}")
  @CsvSource({"http, ws", "ws, http", "ws, ws"})
  void claudeSeesExactlyWhatTheTranscriptPrintsOnEitherDoor(String chatgptDoor, String claudeDoor)
      throws Exception {
    String room = "transcript-" + ROOMS.incrementAndGet();
    try (Participant chatgpt = join(chatgptDoor, "ChatGPT", room);
        Participant claude = join(claudeDoor, "claude", room)) {
      Seed001Transcript.play(chatgpt::call, claude::call);
    }
  }

  @ParameterizedTest(name = "ChatGPT on {0}")
  @CsvSource({"http", "ws"})
  void aSubscribedClaudeGetsTheTranscriptAsNotificationsWithoutPolling(String chatgptDoor)
      throws Exception {
    String room = "subscribed-" + ROOMS.incrementAndGet();
    try (Participant chatgpt = join(chatgptDoor, "ChatGPT", room);
        SocketClient claude = SocketClient.open(server.uri())) {
      claude.login("claude", room, true);
      say(chatgpt, "anyone here?");
      assertThat(nextChat(claude)).isEqualTo("ChatGPT: anyone here?");
      sayOn(claude, "yeah, i'm here");
      sayOn(claude, "what's up?");
      say(chatgpt, "oh, hi claude, what are you up to?");
      assertThat(nextChat(claude)).isEqualTo("ChatGPT: oh, hi claude, what are you up to?");
      say(chatgpt, "did anything interesting recently?");
      assertThat(nextChat(claude)).isEqualTo("ChatGPT: did anything interesting recently?");
      // What a notification delivered is not delivered again by an answer.
      assertThat(chatLines(claude.call("append", Map.of("text", "nothing much")))).isEmpty();
      assertThat(chatLines(claude.call("undo"))).isEmpty();
      sayOn(claude, "I started using this cool app");
      assertThat(chatLines(chatgpt.call("check", Map.of("timeout_ms", 0))))
          .containsExactly("claude: I started using this cool app");
      assertThat(chatLines(claude.call("history", Map.of("limit", 200))))
          .containsExactlyElementsOf(Seed001Transcript.CHAT);
      assertThat(chatLinesOf(claude.takeNotifications())).isEmpty();
    }
  }

  @ParameterizedTest(name = "A on {0}, B on {1}")
  @CsvSource({"http, ws", "ws, http", "ws, ws"})
  void aPushAfterSomebodyElseSpokeOnTheOtherDoorIsInterrupted(String aDoor, String bDoor)
      throws Exception {
    String room = "interrupt-" + ROOMS.incrementAndGet();
    try (Participant a = join(aDoor, "A", room);
        Participant b = join(bDoor, "B", room)) {
      a.call("check", Map.of("timeout_ms", 0));
      a.call("append", Map.of("text", "I was going to say"));
      say(b, "B speaks first");
      JsonNode interrupted = a.call("push");
      assertThat(interrupted.get("status").asInt()).isZero();
      assertThat(interrupted.get("interrupted").asBoolean()).isTrue();
      assertThat(chatLines(interrupted)).containsExactly("B: B speaks first");
      assertThat(a.call("preview").get("draft").asText()).isEqualTo("I was going to say");
      assertThat(a.call("push").get("status").asInt()).isEqualTo(1);
      assertThat(chatLines(b.call("check", Map.of("timeout_ms", 0))))
          .containsExactly("A: I was going to say");
    }
  }

  @Test
  void aSubscriberThatWasToldOfAMessageIsNotInterruptedByIt() throws Exception {
    String room = "told-" + ROOMS.incrementAndGet();
    try (SocketClient a = SocketClient.open(server.uri());
        Participant b = join("http", "B", room)) {
      a.login("A", room, true);
      a.call("append", Map.of("text", "having read it"));
      say(b, "B speaks first");
      assertThat(nextChat(a)).isEqualTo("B: B speaks first");
      JsonNode push = a.call("push");
      assertThat(push.get("status").asInt()).isEqualTo(1);
      assertThat(chatLines(push)).isEmpty();
    }
  }

  /** The scripted second participant speaks: append then push, which must send. */
  private static void say(Participant who, String text) {
    who.call("append", Map.of("text", text));
    assertThat(who.call("push").get("status").asInt()).isEqualTo(1);
  }

  private static void sayOn(SocketClient who, String text) {
    assertThat(chatLines(who.call("append", Map.of("text", text)))).isEmpty();
    JsonNode push = who.call("push");
    assertThat(push.get("status").asInt()).isEqualTo(1);
    assertThat(chatLines(push)).isEmpty();
  }

  /** The next chat line a socket is notified of, skipping presence and system messages. */
  private static String nextChat(SocketClient socket) {
    while (true) {
      List<String> chat = chatLinesOf(List.of(socket.nextNotification()));
      if (!chat.isEmpty()) {
        assertThat(chat).hasSize(1);
        return chat.getFirst();
      }
    }
  }

  private static List<String> chatLinesOf(List<JsonNode> notifications) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : notifications) {
      if (n.get("method").asText().equals("messages")) {
        out.addAll(chatLines(n.get("params")));
      }
    }
    return out;
  }
}
