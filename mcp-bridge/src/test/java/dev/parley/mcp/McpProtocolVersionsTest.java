package dev.parley.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.server.testing.RunningServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.ProtocolVersions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Both transports negotiate the same MCP version for whatever version a client asks for. */
class McpProtocolVersionsTest {
  /** What Streamable HTTP exists in: not 2024-11-05, whose HTTP transport was HTTP+SSE. */
  static final List<String> SPOKEN = List.of("2025-03-26", "2025-06-18", "2025-11-25");

  @Test
  void stdioAndHttpNegotiateTheSameVersions() throws Exception {
    List<String> asked =
        List.of(
            ProtocolVersions.MCP_2024_11_05,
            ProtocolVersions.MCP_2025_03_26,
            ProtocolVersions.MCP_2025_06_18,
            ProtocolVersions.MCP_2025_11_25,
            "2099-01-01",
            "1.0");
    Map<String, String> expected = new LinkedHashMap<>();
    Map<String, String> overHttp = new LinkedHashMap<>();
    Map<String, String> overStdio = new LinkedHashMap<>();
    try (RunningServer server = RunningServer.start();
        RawStdio bridge = RawStdio.start(server.uri())) {
      RawMcpHttp http = new RawMcpHttp(server.uri());
      int id = 1;
      for (String version : asked) {
        expected.put(version, SPOKEN.contains(version) ? version : ProtocolVersions.MCP_2025_11_25);
        overHttp.put(
            version,
            http.post(null, RawMcpHttp.initializeRequest(id, version, "versions"))
                .json()
                .path("result")
                .path("protocolVersion")
                .asText());
        // Each initialize on standard input is negotiated anew.
        bridge.line(RawMcpHttp.initializeRequest(id, version, "versions"));
        overStdio.put(version, bridge.next().path("result").path("protocolVersion").asText());
        id++;
      }
      bridge.closeInput();
      assertThat(bridge.endsByItself()).isTrue();
    }
    assertThat(overStdio).isEqualTo(expected);
    assertThat(overHttp).isEqualTo(expected);
  }

  @Test
  void theVersionsSpokenAreThoseOfTheSdksStreamableHttpTransport() {
    assertThat(HttpServletStreamableServerTransportProvider.builder().build().protocolVersions())
        .isEqualTo(SPOKEN);
  }
}
