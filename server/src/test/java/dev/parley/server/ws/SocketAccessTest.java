package dev.parley.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.ParleyServer;
import dev.parley.server.ServerConfig;
import dev.parley.server.auth.AccessKeys;
import dev.parley.server.testing.SocketClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /rpc/ws} under the daemon's access control and origin policy, as {@code /rpc} is: a login
 * on the socket needs the key, the key as the upgrade's bearer serves {@code rooms}, and a page of
 * another site may not open the socket.
 */
class SocketAccessTest {
  private static final int ACCESS_DENIED = 40013;

  @TempDir static Path dir;
  static ParleyServer server;
  static String alice;

  @BeforeAll
  static void start() throws Exception {
    Path keys = dir.resolve("keys.json");
    alice = AccessKeys.add(keys, "alice", List.of("release"), false, true);
    server =
        new ParleyServer(
                ServerConfig.ephemeral().withDataDir(dir.resolve("data")), AccessKeys.open(keys))
            .start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aLoginOnTheSocketNeedsTheKeyAsOverHttp() {
    try (SocketClient socket = SocketClient.open(server.uri())) {
      JsonNode denied =
          socket.error("login", Map.of("username", "alice", "room", "release"), ACCESS_DENIED);
      assertThat(denied.at("/data/reason").asText()).isNotBlank();
      JsonNode joined =
          socket.call(
              "login",
              Map.of("username", "alice", "room", "release", "key", alice, "subscribe", true));
      assertThat(joined.get("room").asText()).isEqualTo("release");
      assertThat(socket.call("preview").get("draft").asText()).isEmpty();
      socket.call("logout");
    }
  }

  @Test
  void theKeyAsTheUpgradesBearerServesRooms() {
    try (SocketClient socket = SocketClient.open(server.uri(), alice)) {
      JsonNode rooms = socket.call("rooms");
      assertThat(rooms.get("rooms").isArray()).isTrue();
    }
  }

  @Test
  void aPageOfAnotherSiteMayNotOpenTheSocket() {
    HttpClient http = HttpClient.newHttpClient();
    URI ws = SocketClient.ws(server.uri());
    try {
      http.newWebSocketBuilder()
          .header("Origin", "https://evil.example")
          .buildAsync(ws, new WebSocket.Listener() {})
          .join();
      throw new AssertionError("the upgrade succeeded");
    } catch (CompletionException e) {
      assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
      assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode())
          .isEqualTo(403);
    }
  }
}
