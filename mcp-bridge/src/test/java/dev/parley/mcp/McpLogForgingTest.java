package dev.parley.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.parley.server.testing.RunningServer;
import io.modelcontextprotocol.spec.ProtocolVersions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What a client names itself cannot forge lines in the logs: the SDK logs each initialize's client
 * info and capabilities as they are, so control characters reach it escaped.
 */
class McpLogForgingTest {
  /** A client info whose name and version each try to start a line of their own. */
  private static final String HOSTILE =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
          + "\"protocolVersion\":\"2025-06-18\\nFORGED protocol\","
          + "\"capabilities\":{\"experimental\":{\"x\\rFORGED key\":\"\\u2028FORGED value\"}},"
          + "\"clientInfo\":{\"name\":\"evil\\n12:00:00.000 INFO  d.p.s.ParleyServer - FORGED name\","
          + "\"version\":\"1\\r\\nFORGED version\",\"title\":\"\\u202eFORGED title\"}}}";

  @Test
  void theDaemonsLogGetsClientInfoEscaped() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger sdk = (Logger) LoggerFactory.getLogger("io.modelcontextprotocol");
    Level before = sdk.getLevel();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    sdk.setLevel(Level.INFO);
    try (RunningServer server = RunningServer.start()) {
      RawMcpHttp http = new RawMcpHttp(server.uri());
      RawMcpHttp.Answer answer = http.post(null, HOSTILE);
      assertThat(answer.status()).as(answer.body()).isEqualTo(200);
      assertThat(answer.json().path("result").path("protocolVersion").asText())
          .isEqualTo(ProtocolVersions.MCP_2025_11_25);
    } finally {
      root.detachAppender(captured);
      sdk.setLevel(before);
    }
    List<String> messages = new ArrayList<>();
    captured.list.forEach(event -> messages.add(event.getFormattedMessage()));
    assertThat(messages)
        .as("the SDK logged the initialize")
        .anySatisfy(
            m ->
                assertThat(m)
                    .contains(
                        "Client initialize request",
                        "evil\\u000a12:00:00.000",
                        "1\\u000d\\u000aFORGED version",
                        "\\u202eFORGED title",
                        "x\\u000dFORGED key",
                        "\\u2028FORGED value"));
    assertThat(messages)
        .allSatisfy(m -> assertThat(m).doesNotContain("\n", "\r", "\u2028", "\u2029", "\u202e"));
  }

  @Test
  void theStdioBridgesLogGetsClientInfoEscaped() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      List<String> command = new ArrayList<>(McpAgent.bridgeCommand(server.uri()));
      // The daemon's own logging configuration (level INFO), instead of the tests' (warnings only).
      command.add(1, "-Dlogback.configurationFile=logback.xml");
      try (RawStdio.Child bridge = RawStdio.start(command)) {
        bridge.line(HOSTILE);
        assertThat(bridge.next().path("result").path("protocolVersion").asText())
            .isEqualTo(ProtocolVersions.MCP_2025_11_25);
        bridge.closeInput();
        assertThat(bridge.endsByItself()).isTrue();
        List<String> lines = bridge.errorLinesAtEnd();
        assertThat(lines)
            .anySatisfy(
                line ->
                    assertThat(line)
                        .contains("Client initialize request", "evil\\u000a12:00:00.000"));
        // Each FORGED stays inside the one line that logs it, escaped.
        assertThat(lines.stream().filter(line -> line.contains("FORGED")))
            .isNotEmpty()
            .allSatisfy(
                line ->
                    assertThat(line)
                        .containsAnyOf("Client initialize request", "unsupported protocol")
                        .doesNotContain("\u2028", "\u202e"));
      }
    }
  }
}
