package dev.parley.mcp.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.testing.RawHttp;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code /mcp} follows the daemon's one origin policy: a DNS-rebound page cannot open an MCP
 * session.
 */
class McpOriginTest {
  private static final String INITIALIZE =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
          + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"probe\",\"version\":\"1\"}}}";

  private static RawHttp.Response initialize(int port, String host, String origin) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Host", host);
    if (origin != null) {
      headers.put("Origin", origin);
    }
    headers.put("Content-Type", "application/json");
    headers.put("Accept", "application/json, text/event-stream");
    return RawHttp.send(port, "POST", McpHttpExtension.PATH, headers, INITIALIZE);
  }

  private static void assertRefused(RawHttp.Response response) {
    assertThat(response.status()).as("status of %s", response).isEqualTo(403);
    assertThat(response.headers().get("content-type")).startsWith("application/json");
    JsonNode reply = RpcClient.parse(response.body());
    assertThat(reply.get("jsonrpc").asText()).isEqualTo("2.0");
    assertThat(reply.get("error").get("code").asInt()).isEqualTo(-32600);
  }

  @Test
  void aReboundPageIsRefusedAndLocalClientsAreServed() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      int port = server.uri().getPort();
      assertRefused(initialize(port, "evil.example:" + port, "http://evil.example:" + port));
      assertRefused(initialize(port, "evil.example:" + port, null));
      assertRefused(initialize(port, "127.0.0.1:" + port, "http://evil.example:" + port));

      assertThat(initialize(port, "127.0.0.1:" + port, null).status()).isEqualTo(200);
      assertThat(initialize(port, "localhost:" + port, "http://localhost:" + port).status())
          .isEqualTo(200);
    }
  }
}
