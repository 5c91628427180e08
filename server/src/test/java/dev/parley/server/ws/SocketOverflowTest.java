package dev.parley.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.MemoryLimits;
import dev.parley.server.ServerConfig;
import dev.parley.server.ServerLimits;
import dev.parley.server.testing.RawSocket;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Backpressure: a subscribed socket that never reads fills its send queue, which is bounded in
 * bytes; it is then closed with a reason, and nothing is lost for its session: what the socket did
 * not get, the session's next calls deliver.
 */
class SocketOverflowTest {
  private static final long QUEUE = 64 * 1024;

  /** Enough to fill any loopback socket buffers as well as the queue many times over. */
  private static final int MAX_PUSHES = 10_000;

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void aSocketThatDoesNotReadIsClosedAndItsSessionLosesNothing() throws Exception {
    ServerConfig config =
        ServerConfig.ephemeral()
            .withLimits(ServerLimits.defaults().withRate(0, ServerLimits.defaults().rateBurst()))
            .withMemory(MemoryLimits.defaults().withSocketQueueBytes(QUEUE));
    try (RunningServer server =
            RunningServer.start(config.withRoomDefaults(RunningServer.AGENTS_ONLY));
        RawSocket idle = RawSocket.open(server.uri(), "/rpc/ws", 4096)) {
      idle.sendText(
          "{\"jsonrpc\": \"2.0\", \"method\": \"login\", \"params\": {\"username\": \"idle\","
              + " \"room\": \"flood\", \"subscribe\": true}, \"id\": 1}");
      // A presence notification may come first.
      JsonNode login = RpcClient.parse(idle.next().text());
      while (!login.has("id")) {
        login = RpcClient.parse(idle.next().text());
      }
      String token = login.at("/result/session").asText();
      RpcClient pusher = server.login("pusher", "flood");
      String text = "x".repeat(8000);
      List<String> pushed = new ArrayList<>();
      long mostQueued = 0;
      while (overflows(server) == 0) {
        assertThat(pushed.size()).as("pushes before the socket was closed").isLessThan(MAX_PUSHES);
        pusher.call("append", Map.of("text", text));
        pushed.add(pusher.call("push").get("message_id").asText());
        mostQueued = Math.max(mostQueued, metric(server, "parley_rpc_sockets_queue_bytes"));
      }
      // Bounded by the queue and, at most, the one frame over it.
      assertThat(mostQueued).isLessThanOrEqualTo(QUEUE + 9000);
      for (int i = 0; i < 20; i++) {
        pusher.call("append", Map.of("text", "after the close " + i));
        pushed.add(pusher.call("push").get("message_id").asText());
      }

      // Now the client reads what reached it: notifications, then the close frame.
      List<String> received = new ArrayList<>();
      RawSocket.Frame close = null;
      for (RawSocket.Frame f = idle.next(); f != null; f = idle.next()) {
        if (f.opcode() == RawSocket.CLOSE) {
          close = f;
          break;
        }
        JsonNode n = RpcClient.parse(f.text());
        for (JsonNode m : n.at("/params/messages")) {
          if (m.get("kind").asText().equals("chat")) {
            received.add(m.get("message_id").asText());
          }
        }
      }
      assertThat(close).as("a close frame").isNotNull();
      assertThat(close.closeCode()).isEqualTo(1008);
      assertThat(close.closeReason()).contains("send queue full").contains("next call");

      // The session lives on: its calls over HTTP hand over everything the socket did not get.
      RpcClient session = server.client().withSession(token);
      while (true) {
        JsonNode check = session.call("check", Map.of("timeout_ms", 0));
        if (check.get("status").asInt() == 0) {
          break;
        }
        for (JsonNode m : check.get("messages")) {
          if (m.get("kind").asText().equals("chat")) {
            received.add(m.get("message_id").asText());
          }
        }
      }
      assertThat(received).containsExactlyElementsOf(pushed);
    }
  }

  private static long overflows(RunningServer server) throws Exception {
    return metric(server, "parley_rpc_sockets_overflows_total");
  }

  private static long metric(RunningServer server, String name) throws Exception {
    String body =
        HTTP.send(
                HttpRequest.newBuilder(server.uri().resolve("/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(body);
    assertThat(m.find()).as("%s in /metrics", name).isTrue();
    return (long) Double.parseDouble(m.group(1));
  }
}
