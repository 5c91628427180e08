package dev.parley.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.server.testing.RunningServer;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.ProtocolVersions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The stdio bridge as a process: when its standard input closes it still answers what it had
 * read, then ends by itself. The messages are the SDK's own types, written by its mapper.
 */
class StdioLifecycleTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final McpJsonMapper mapper = McpBridge.jsonMapper();

  @Test
  void whenStdinClosesTheAnswerInFlightIsWrittenAndTheProcessEnds() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      Process bridge = new ProcessBuilder(McpAgent.bridgeCommand(server.uri()))
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      try {
        BlockingQueue<JsonNode> out = readLines(bridge);
        OutputStream in = bridge.getOutputStream();

        send(in, new McpSchema.JSONRPCRequest(McpSchema.JSONRPC_VERSION, McpSchema.METHOD_INITIALIZE, 1,
            new McpSchema.InitializeRequest(ProtocolVersions.MCP_2025_06_18, McpSchema.ClientCapabilities.builder().build(),
                new McpSchema.Implementation("lifecycle-test", "1"))));
        assertThat(next(out).path("id").asInt()).isEqualTo(1);
        send(in, new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION, McpSchema.METHOD_NOTIFICATION_INITIALIZED, null));
        send(in, call(2, "login", Map.of("username", "leaver", "room", "exit")));
        assertThat(next(out).path("result").path("isError").asBoolean()).isFalse();

        // A check of 1.5 s, then the input closes at once: the answer must still come.
        send(in, call(3, "check", Map.of("timeout_ms", 1500)));
        in.close();
        JsonNode answer = next(out);
        assertThat(answer.path("id").asInt()).isEqualTo(3);
        assertThat(answer.path("result").path("structuredContent").path("status").asInt()).isZero();

        assertThat(bridge.waitFor(20, TimeUnit.SECONDS)).as("the bridge ended by itself").isTrue();
        assertThat(bridge.exitValue()).isZero();
      } finally {
        bridge.destroyForcibly();
      }
    }
  }

  private McpSchema.JSONRPCRequest call(int id, String tool, Map<String, Object> arguments) {
    return new McpSchema.JSONRPCRequest(McpSchema.JSONRPC_VERSION, McpSchema.METHOD_TOOLS_CALL, id,
        McpSchema.CallToolRequest.builder(tool).arguments(arguments).build());
  }

  private void send(OutputStream in, McpSchema.JSONRPCMessage message) throws IOException {
    in.write((mapper.writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  private static JsonNode next(BlockingQueue<JsonNode> out) throws InterruptedException {
    JsonNode message = out.poll(30, TimeUnit.SECONDS);
    assertThat(message).as("an answer within 30 s").isNotNull();
    return message;
  }

  /** Standard output, one parsed message per line, read on its own thread. */
  private static BlockingQueue<JsonNode> readLines(Process process) {
    BlockingQueue<JsonNode> lines = new LinkedBlockingQueue<>();
    Thread.ofVirtual().start(() -> {
      try (BufferedReader reader = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          lines.add(JSON.readTree(line));
        }
      } catch (IOException e) {
        // The process ended: nothing more to read.
      }
    });
    return lines;
  }
}
