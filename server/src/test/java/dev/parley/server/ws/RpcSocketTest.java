package dev.parley.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.testing.Daemon;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.SocketClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /rpc/ws}: binding, subscription and notifications, and bad input on the door. */
class RpcSocketTest {
  @RegisterExtension static final Daemon server = Daemon.withDefaults();

  private static List<String> contents(JsonNode messages) {
    return messages.findValuesAsText("content");
  }

  @Test
  void aLoginBindsTheSocketSoItsCallsNeedNoHeader() {
    try (SocketClient ann = SocketClient.open(server.uri())) {
      ann.login("ann", "bound", false);
      JsonNode appended = ann.call("append", Map.of("text", "hello"));
      assertThat(appended.get("draft_length").asInt()).isEqualTo(5);
      assertThat(ann.call("push").get("status").asInt()).isEqualTo(1);
      assertThat(ann.takeNotifications()).isEmpty();
    }
  }

  @Test
  void aSubscriberGetsEachMessageTheMomentItIsStoredAndNotAgainInAnAnswer() {
    try (SocketClient ann = SocketClient.open(server.uri())) {
      ann.login("ann", "pushed", true);
      RpcClient bob = server.login("bob", "pushed");
      JsonNode joined = ann.nextNotification();
      assertThat(joined.get("method").asText()).isIn("messages", "presence");
      bob.call("append", Map.of("text", "hi ann"));
      bob.call("push");
      JsonNode chat = awaitMessage(ann, "hi ann");
      assertThat(chat.at("/params/messages/0/sender_id").asText()).isEqualTo("bob");
      assertThat(contents(ann.call("participants").get("messages"))).doesNotContain("hi ann");
    }
  }

  @Test
  void presenceIsToldToSubscribersWhenSomeoneStartsDrafting() {
    try (SocketClient ann = SocketClient.open(server.uri())) {
      ann.login("ann", "presence", true);
      RpcClient bob = server.login("bob", "presence");
      bob.call("append", Map.of("text", "thinking"));
      while (true) {
        JsonNode n = ann.nextNotification();
        if (n.get("method").asText().equals("presence")
            && n.at("/params/participants").toString().contains("\"drafting\"")) {
          assertThat(n.at("/params/room").asText()).isEqualTo("presence");
          break;
        }
      }
    }
  }

  @Test
  void withoutSubscribingASocketGetsWhatHttpGets() {
    try (SocketClient ann = SocketClient.open(server.uri())) {
      ann.login("ann", "plain", false);
      RpcClient bob = server.login("bob", "plain");
      bob.call("append", Map.of("text", "one"));
      bob.call("push");
      JsonNode check = ann.call("check", Map.of("timeout_ms", 10_000));
      assertThat(contents(check.get("messages"))).contains("one");
      assertThat(ann.takeNotifications()).isEmpty();
    }
  }

  @Test
  void subscribeStartsAndStopsNotificationsOfASocketBoundByItsUpgrade() {
    RpcClient ann = server.login("ann", "upgraded");
    try (SocketClient socket = SocketClient.open(server.uri(), ann.session())) {
      JsonNode subscribed = socket.call("subscribe");
      assertThat(subscribed.get("subscribed").asBoolean()).isTrue();
      RpcClient bob = server.login("bob", "upgraded");
      bob.call("append", Map.of("text", "to the socket"));
      bob.call("push");
      awaitMessage(socket, "to the socket");
      assertThat(socket.call("subscribe", Map.of("enabled", false)).get("subscribed").asBoolean())
          .isFalse();
      socket.takeNotifications();
      bob.call("append", Map.of("text", "over http"));
      bob.call("push");
      JsonNode check = ann.call("check", Map.of("timeout_ms", 10_000));
      assertThat(contents(check.get("messages"))).contains("over http");
    }
  }

  @Test
  void subscribingOverHttpIsAnInvalidRequest() {
    RpcClient ann = server.login("ann", "http-sub");
    JsonNode error = ann.error("subscribe", Map.of(), -32600);
    assertThat(error.at("/data/detail").asText()).contains("/rpc/ws");
    server.client().error("login", Map.of("username", "bob", "subscribe", true), -32600);
  }

  @Test
  void anUnknownTokenOnTheUpgradeIsAnsweredAsOnRpcAndAPlainGetIs400() throws Exception {
    try (SocketClient stranger = SocketClient.open(server.uri(), "not-a-session")) {
      JsonNode error = stranger.error("preview", Map.of(), 40010);
      assertThat(error.at("/data/reason").asText()).isEqualTo("unknown");
      assertThat(stranger.call("rooms").get("rooms").isArray()).isTrue();
    }
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> plain =
        http.send(
            HttpRequest.newBuilder(server.uri().resolve("/rpc/ws")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(plain.statusCode()).isEqualTo(400);
    assertThat(plain.body()).contains("WebSocket");
  }

  @Test
  void aBinaryFrameClosesTheSocketSayingWhy() {
    try (SocketClient s = SocketClient.open(server.uri())) {
      s.sendBinary();
      assertThat(s.awaitClose()).startsWith("1003").contains("text frames");
    }
  }

  @Test
  void aLogoutUnbindsTheSocket() {
    try (SocketClient ann = SocketClient.open(server.uri())) {
      ann.login("ann", "logout", true);
      ann.call("logout");
      JsonNode error = ann.error("preview", Map.of(), 40010);
      assertThat(error.at("/data/reason").asText()).isEqualTo("missing");
    }
  }

  /** The messages notification that carries {@code content}, skipping others. */
  static JsonNode awaitMessage(SocketClient socket, String content) {
    while (true) {
      JsonNode n = socket.nextNotification();
      if (n.get("method").asText().equals("messages")
          && contents(n.at("/params/messages")).contains(content)) {
        return n;
      }
    }
  }
}
