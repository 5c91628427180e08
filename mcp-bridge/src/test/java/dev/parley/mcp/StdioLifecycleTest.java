package dev.parley.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.testing.Daemon;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.ProtocolVersions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The stdio bridge on its input and output (in this JVM, on pipes): every line it reads is answered
 * (through the SDK, or with a JSON-RPC error when the SDK could not take it), and when its input
 * closes it still answers what it had read, then ends by itself. That the process then exits is
 * shown on a real {@code parley mcp} process by {@code McpLogForgingTest}.
 */
class StdioLifecycleTest {
  private static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}";
  @RegisterExtension static final Daemon server = Daemon.withDefaults();
  private final McpJsonMapper mapper = McpBridge.jsonMapper();

  @Test
  void whenStdinClosesTheAnswerInFlightIsWrittenAndTheProcessEnds() throws Exception {
    try (RawStdio bridge = RawStdio.start(server.uri())) {
      send(
          bridge,
          new McpSchema.JSONRPCRequest(
              McpSchema.JSONRPC_VERSION,
              McpSchema.METHOD_INITIALIZE,
              1,
              new McpSchema.InitializeRequest(
                  ProtocolVersions.MCP_2025_06_18,
                  McpSchema.ClientCapabilities.builder().build(),
                  new McpSchema.Implementation("lifecycle-test", "1"))));
      assertThat(bridge.next().path("id").asInt()).isEqualTo(1);
      send(
          bridge,
          new McpSchema.JSONRPCNotification(
              McpSchema.JSONRPC_VERSION, McpSchema.METHOD_NOTIFICATION_INITIALIZED, null));
      send(bridge, call(2, "login", Map.of("username", "leaver", "room", "exit")));
      assertThat(bridge.next().path("result").path("isError").asBoolean()).isFalse();

      // A check of 1.5 s, then the input closes at once: the answer must still come.
      send(bridge, call(3, "check", Map.of("timeout_ms", 1500)));
      bridge.closeInput();
      JsonNode answer = bridge.next();
      assertThat(answer.path("id").asInt()).isEqualTo(3);
      assertThat(answer.path("result").path("structuredContent").path("status").asInt()).isZero();

      assertThat(bridge.endsByItself()).as("the bridge ended by itself").isTrue();
    }
  }

  @Test
  void anUnparseableLineIsAParseErrorAndTheProcessStillEnds() throws Exception {
    try (RawStdio bridge = RawStdio.start(server.uri())) {
      bridge.line("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":");
      JsonNode error = bridge.next();
      assertThat(error.path("jsonrpc").asText()).isEqualTo("2.0");
      assertThat(error.has("id")).isTrue();
      assertThat(error.path("id").isNull()).isTrue();
      assertThat(error.path("error").path("code").asInt()).isEqualTo(-32700);

      // The bridge still reads: the session works after it.
      bridge.initialize(ProtocolVersions.MCP_2025_06_18);
      bridge.line(PING);
      assertThat(bridge.next().path("result").isObject()).isTrue();
      bridge.closeInput();
      assertThat(bridge.endsByItself()).as("the bridge ended by itself").isTrue();
    }
  }

  @Test
  void aBatchLineIsRefusedAndTheProcessStillEnds() throws Exception {
    try (RawStdio bridge = RawStdio.start(server.uri())) {
      bridge.initialize(ProtocolVersions.MCP_2025_06_18);
      bridge.line("[" + PING + "," + PING.replace("7", "8") + "]");
      JsonNode error = bridge.next();
      assertThat(error.path("id").isNull()).isTrue();
      assertThat(error.path("error").path("code").asInt()).isEqualTo(-32600);
      assertThat(error.path("error").path("message").asText())
          .contains("batches are not supported");
      bridge.closeInput();
      assertThat(bridge.endsByItself()).as("the bridge ended by itself").isTrue();
    }
  }

  @Test
  void aRequestBeforeInitializeIsAnsweredAndTheProcessStillEnds() throws Exception {
    try (RawStdio bridge = RawStdio.start(server.uri())) {
      bridge.line("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
      JsonNode refused = bridge.next();
      assertThat(refused.path("id").asInt()).isEqualTo(1);
      assertThat(refused.path("error").path("code").asInt()).isEqualTo(-32600);
      assertThat(refused.path("error").path("message").asText())
          .contains("not initialized", "`initialize`");
      // A ping is answered at any time.
      bridge.line(PING);
      JsonNode pong = bridge.next();
      assertThat(pong.path("id").asInt()).isEqualTo(7);
      assertThat(pong.path("result").isObject()).isTrue();
      bridge.closeInput();
      assertThat(bridge.endsByItself()).as("the bridge ended by itself").isTrue();
    }
  }

  @Test
  void everyBadLineIsAnsweredAndGoodOnesStillWork() throws Exception {
    List<String> bad =
        List.of(
            "not json",
            "null",
            "[]",
            "42",
            "{}",
            "{\"jsonrpc\":\"1.0\",\"id\":2,\"method\":\"ping\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"rooms\",\"arguments\":\"x\"}}",
            "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":null}",
            "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"logging/setLevel\",\"params\":{\"level\":\"loud\"}}");
    try (RawStdio bridge = RawStdio.start(server.uri())) {
      bridge.initialize(ProtocolVersions.MCP_2025_06_18);
      for (String line : bad) {
        bridge.line(line);
        JsonNode answer = bridge.next();
        assertThat(answer.path("error").path("code").asInt()).as(line).isBetween(-32700, -32600);
        assertThat(RawMcpHttp.INTERNALS.matcher(answer.toString()).find())
            .as(answer.toString())
            .isFalse();
      }
      // Blank lines and notifications get no answer; a request after them does.
      bridge
          .line("")
          .line("   ")
          .line("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/whatever\"}");
      bridge.line(
          "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":{\"name\":\"rooms\"}}");
      JsonNode rooms = bridge.next();
      assertThat(rooms.path("id").asInt()).isEqualTo(6);
      assertThat(rooms.path("result").path("isError").asBoolean()).isFalse();

      // A line over the limit is refused, and does not stop the bridge.
      byte[] huge =
          ("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\",\"params\":{\"pad\":\""
                  + "x".repeat(1024 * 1024)
                  + "\"}}\n")
              .getBytes(StandardCharsets.UTF_8);
      bridge.write(huge);
      assertThat(bridge.next().path("error").path("code").asInt()).isEqualTo(-32600);
      bridge.line(PING);
      assertThat(bridge.next().path("id").asInt()).isEqualTo(7);

      // An unterminated last line is read too, once the input ends.
      bridge.write(PING.replace("7", "10").getBytes(StandardCharsets.UTF_8));
      bridge.closeInput();
      assertThat(bridge.next().path("id").asInt()).isEqualTo(10);
      assertThat(bridge.endsByItself()).as("the bridge ended by itself").isTrue();
    }
  }

  private McpSchema.JSONRPCRequest call(int id, String tool, Map<String, Object> arguments) {
    return new McpSchema.JSONRPCRequest(
        McpSchema.JSONRPC_VERSION,
        McpSchema.METHOD_TOOLS_CALL,
        id,
        McpSchema.CallToolRequest.builder(tool).arguments(arguments).build());
  }

  private void send(RawStdio bridge, McpSchema.JSONRPCMessage message) throws IOException {
    bridge.line(mapper.writeValueAsString(message));
  }
}
