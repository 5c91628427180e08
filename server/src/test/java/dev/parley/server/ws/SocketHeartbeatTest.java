package dev.parley.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.ConnectionLimits;
import dev.parley.server.ServerConfig;
import dev.parley.server.testing.RawSocket;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat of /rpc/ws: the daemon pings each socket, and cuts off one that answers nothing
 * (not even a pong) for three pings; the session bound to it lives on, for HTTP or a new socket.
 */
class SocketHeartbeatTest {
  @Test
  void aSocketThatNeverAnswersAPingIsCutOffAndItsSessionLivesOn() throws Exception {
    ServerConfig config =
        ServerConfig.ephemeral()
            .withConnections(ConnectionLimits.defaults().withSocketPing(Duration.ofMillis(200)));
    try (RunningServer server = RunningServer.start(config);
        RawSocket socket = RawSocket.open(server.uri(), "/rpc/ws", 64 * 1024)) {
      socket.sendText(
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"login\","
              + "\"params\":{\"username\":\"silent\",\"room\":\"beat\"}}");
      // Presence notifications and pings may come first: the answer is the frame with id 1.
      JsonNode login = null;
      while (login == null) {
        RawSocket.Frame f = socket.next();
        assertThat(f).as("the login's answer").isNotNull();
        if (f.opcode() == RawSocket.TEXT && RpcClient.parse(f.text()).path("id").asInt() == 1) {
          login = RpcClient.parse(f.text());
        }
      }
      String token = login.at("/result/session").asText();
      assertThat(token).isNotEmpty();

      // Read what comes without ever answering: pings, then the end.
      CompletableFuture<Integer> pings =
          CompletableFuture.supplyAsync(
              () -> {
                int seen = 0;
                try {
                  for (RawSocket.Frame f = socket.next(); f != null; f = socket.next()) {
                    if (f.opcode() == RawSocket.PING) {
                      seen++;
                    } else if (f.opcode() == RawSocket.CLOSE) {
                      break;
                    }
                  }
                } catch (java.io.IOException cutOff) {
                  // The daemon closed the connection under the read: cut off as well.
                }
                return seen;
              });
      assertThat(pings.get(30, TimeUnit.SECONDS)).as("pings before the cut").isGreaterThan(0);

      // The session was not ended with its socket.
      RpcClient http = RpcClient.at(server.uri()).withSession(token);
      assertThat(http.call("participants", Map.of()).toString()).contains("silent");
    }
  }
}
