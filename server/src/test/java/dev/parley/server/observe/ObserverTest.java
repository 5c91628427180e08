package dev.parley.server.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.MemoryLimits;
import dev.parley.server.ServerConfig;
import dev.parley.server.ServerLimits;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import dev.parley.viewer.observe.FrameClient;
import dev.parley.viewer.observe.ViewerRoutes;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The daemon's observer stream, read by a Java WebSocket client. */
class ObserverTest {
  private static final Duration BOUND = Duration.ofSeconds(30);

  private static boolean chat(JsonNode frame, String content) {
    return frame.path("parsed_content").path("type").asText().equals("chat")
        && frame.path("parsed_content").path("content").asText().equals(content);
  }

  @Test
  void aRoomStreamsWelcomeMessagesActivityPresenceAndPongs() throws Exception {
    try (RunningServer server = RunningServer.start();
        FrameClient observer = FrameClient.connect(server.uri(), "watched")) {
      JsonNode welcome = observer.next(BOUND);
      assertThat(welcome.get("type").asText()).isEqualTo("welcome");
      assertThat(welcome.get("mode").asText()).isEqualTo("live");
      assertThat(welcome.get("room").asText()).isEqualTo("watched");

      RpcClient ada = server.login("ada", "watched");
      ada.call("append", Map.of("text", "hello"));
      List<JsonNode> drafting =
          observer.until(f -> f.path("state").asText().equals("drafting"), BOUND);
      assertThat(drafting)
          .extracting(f -> f.get("type").asText())
          .contains("chat_message", "activity", "presence");
      assertThat(drafting.get(drafting.size() - 1).get("draft_suffix").asText()).isEqualTo("hello");
      assertThat(drafting).allSatisfy(f -> assertThat(f.get("room").asText()).isEqualTo("watched"));

      ada.call("push");
      List<JsonNode> pushed = observer.until(f -> f.path("state").asText().equals("idle"), BOUND);
      assertThat(pushed).anySatisfy(f -> assertThat(chat(f, "hello")).isTrue());
      assertThat(pushed)
          .anySatisfy(
              f -> {
                assertThat(f.get("type").asText()).isEqualTo("activity");
                assertThat(f.get("status").asText()).startsWith("sent msg-");
              });

      observer.send("{\"type\":\"ping\"}");
      assertThat(observer.next(BOUND).get("type").asText()).isEqualTo("pong");
    }
  }

  /**
   * An observer whose socket never reads after the upgrade request: the daemon's frames for it pile
   * up once the kernel's small receive buffer is full.
   */
  private static final class Stalled implements AutoCloseable {
    private final Socket socket = new Socket();

    Stalled(URI base, String room) throws Exception {
      socket.setReceiveBufferSize(4096);
      socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
      String key =
          Base64.getEncoder()
              .encodeToString("parley-stalled-1".getBytes(StandardCharsets.US_ASCII));
      String upgrade =
          "GET "
              + ViewerRoutes.OBSERVE
              + "?room="
              + room
              + " HTTP/1.1\r\n"
              + "Host: "
              + base.getHost()
              + ":"
              + base.getPort()
              + "\r\n"
              + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
              + "Sec-WebSocket-Key: "
              + key
              + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
      socket.getOutputStream().write(upgrade.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }

  private static int observers(RunningServer server) throws Exception {
    HttpResponse<String> stats =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(server.uri().resolve("/stats")).build(),
                HttpResponse.BodyHandlers.ofString());
    return RpcClient.parse(stats.body()).path("observers").asInt();
  }

  @Test
  void anObserverThatStopsReadingIsDisconnectedOnceItsQueueHoldsTooManyBytes() throws Exception {
    long queueBytes = 256 * 1024;
    MemoryLimits defaults = MemoryLimits.defaults();
    ServerConfig config =
        ServerConfig.ephemeral()
            .withLimits(ServerLimits.defaults().withRate(0, 1))
            .withMemory(
                new MemoryLimits(
                    defaults.tailMessages(),
                    defaults.tailBytes(),
                    defaults.logQueueBytes(),
                    queueBytes));
    try (RunningServer server =
        RunningServer.start(config.withRoomDefaults(RunningServer.AGENTS_ONLY))) {
      RpcClient ada = server.login("ada", "busy");
      try (Stalled stalled = new Stalled(server.uri(), "busy")) {
        Awaitility.await().atMost(BOUND).until(() -> observers(server) == 1);
        String big = "x".repeat(1000);
        // Far more than the kernel's socket buffers and the queue together hold.
        for (int i = 0; i < 20_000 && observers(server) == 1; i++) {
          ada.call("append", Map.of("text", big));
          if (i % 16 == 15) {
            ada.call("push");
          }
        }
        Awaitility.await().atMost(BOUND).until(() -> observers(server) == 0);
      }
      try (FrameClient next = FrameClient.connect(server.uri(), "busy")) {
        next.next(BOUND);
        ada.call("reset");
        ada.call("append", Map.of("text", "still watched"));
        ada.call("push");
        assertThat(next.until(f -> chat(f, "still watched"), BOUND)).isNotEmpty();
      }
    }
  }

  @Test
  void anObserverOfOneRoomSeesNothingOfAnother() throws Exception {
    try (RunningServer server = RunningServer.start();
        FrameClient one = FrameClient.connect(server.uri(), "one");
        FrameClient all = FrameClient.connect(server.uri(), null)) {
      one.next(BOUND);
      all.next(BOUND);
      RpcClient elsewhere = server.login("bob", "two");
      elsewhere.call("append", Map.of("text", "in room two"));
      elsewhere.call("push");
      RpcClient here = server.login("ada", "one");
      here.call("append", Map.of("text", "in room one"));
      here.call("push");

      List<JsonNode> seenByOne = one.until(f -> chat(f, "in room one"), BOUND);
      assertThat(seenByOne).allSatisfy(f -> assertThat(f.get("room").asText()).isEqualTo("one"));
      List<JsonNode> seenByAll = all.until(f -> chat(f, "in room one"), BOUND);
      assertThat(seenByAll).anySatisfy(f -> assertThat(chat(f, "in room two")).isTrue());
    }
  }
}
