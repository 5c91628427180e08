package dev.parley.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.params.provider.Arguments;

/**
 * An agent as an MCP client sees Parley: the MCP SDK's own client, on the bridge over stdio (the
 * bridge a separate JVM, as {@code parley mcp} runs) or over Streamable HTTP ({@code /mcp} of a
 * daemon). Every call is bounded, so a bridge that hangs fails the test instead.
 */
final class McpAgent implements AutoCloseable {
  /** Both transports, for parameterized tests: the bridge over stdio, and /mcp in the daemon. */
  static List<Arguments> transports() {
    Function<URI, McpAgent> stdio = McpAgent::overStdio;
    Function<URI, McpAgent> http = McpAgent::overHttp;
    return List.of(Arguments.of("stdio", stdio), Arguments.of("http", http));
  }

  /** Longer than any wait of the tests, far shorter than a hang. */
  static final Duration CALL_LIMIT = Duration.ofSeconds(40);

  private final McpSyncClient client;

  private McpAgent(McpSyncClient client) {
    this.client = client;
    client.initialize();
  }

  /** An agent on a client built by the caller (its transport configured as a test needs). */
  static McpAgent of(McpSyncClient client) {
    return new McpAgent(client);
  }

  /** An agent on a bridge process started as {@code parley mcp --server daemon options…}. */
  static McpAgent overStdio(URI daemon, String... options) {
    return overStdio(daemon, n -> {}, options);
  }

  /** The same, with a consumer of progress notifications. */
  static McpAgent overStdio(
      URI daemon, Consumer<McpSchema.ProgressNotification> progress, String... options) {
    List<String> command = bridgeCommand(daemon, options);
    ServerParameters process =
        ServerParameters.builder(command.get(0)).args(command.subList(1, command.size())).build();
    return new McpAgent(
        McpClient.sync(new StdioClientTransport(process, McpBridge.jsonMapper()))
            .requestTimeout(CALL_LIMIT)
            .initializationTimeout(CALL_LIMIT)
            .jsonSchemaValidator(new SchemaValidator())
            .progressConsumer(progress)
            .build());
  }

  /** An agent on the daemon's own {@code /mcp}. */
  static McpAgent overHttp(URI daemon) {
    return new McpAgent(
        McpClient.sync(
                HttpClientStreamableHttpTransport.builder(daemon.toString())
                    .endpoint("/mcp")
                    .connectTimeout(Duration.ofSeconds(5))
                    .build())
            .requestTimeout(CALL_LIMIT)
            .initializationTimeout(CALL_LIMIT)
            .jsonSchemaValidator(new SchemaValidator())
            .build());
  }

  /** The command line of a bridge process: this JVM's java and classpath, the mcp command. */
  static List<String> bridgeCommand(URI daemon, String... options) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.parley.mcp.cli.McpCommand",
                "--server",
                daemon.toString()));
    command.addAll(List.of(options));
    return command;
  }

  /** The SDK client, for what the helpers do not cover. */
  McpSyncClient client() {
    return client;
  }

  /** Calls a tool. */
  CallToolResult call(String tool, Map<String, Object> arguments) {
    return client.callTool(McpSchema.CallToolRequest.builder(tool).arguments(arguments).build());
  }

  /** Calls a tool that must succeed and returns its text. */
  String text(String tool, Map<String, Object> arguments) {
    CallToolResult result = call(tool, arguments);
    assertThat(result.isError()).as("%s failed: %s", tool, text(result)).isFalse();
    return text(result);
  }

  /** Calls a tool without arguments that must succeed and returns its text. */
  String text(String tool) {
    return text(tool, Map.of());
  }

  /** Logs in. */
  String login(String username, String room) {
    return text("login", Map.of("username", username, "room", room));
  }

  /** Appends {@code text} and pushes it, which must not be interrupted. */
  void say(String text) {
    text("append", Map.of("text", text));
    assertThat(text("push")).doesNotContain("[not sent");
  }

  /** The text of a result: its one text block. */
  static String text(CallToolResult result) {
    assertThat(result.content()).hasSize(1);
    return ((McpSchema.TextContent) result.content().get(0)).text();
  }

  @Override
  public void close() {
    client.closeGracefully();
  }
}
