package dev.parley.mcp;

import static dev.parley.mcp.RawMcpHttp.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.mcp.RawMcpHttp.Answer;
import dev.parley.server.ParleyServer;
import dev.parley.server.ServerConfig;
import dev.parley.server.auth.AccessKeys;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.ProtocolVersions;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge in front of a daemon with {@code --auth keys}: {@code /mcp} needs the key as a bearer
 * token, and the login tool uses the key itself, so the model never handles it.
 */
class McpAccessTest {
  private static final int ACCESS_DENIED = 40013;

  @TempDir static Path dir;
  static ParleyServer server;
  static String bots;

  @BeforeAll
  static void start() throws Exception {
    Path keys = dir.resolve("keys.json");
    bots = AccessKeys.add(keys, "bots", List.of("agents"), false, false);
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
  void mcpWithoutAKnownKeyIsRefusedWith401() {
    RawMcpHttp http = new RawMcpHttp(server.uri());
    String initialize = RawMcpHttp.initializeRequest(1, ProtocolVersions.MCP_2025_06_18, "no-key");
    Answer none = http.post(null, initialize);
    JsonNode error = assertError(none, 401, ACCESS_DENIED);
    assertThat(error.path("error").path("data").path("reason").asText()).isEqualTo("key_required");
    assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
    Answer unknown =
        http.post(null, initialize, "Authorization", "Bearer pk_notakeyofthisdaemon000");
    assertThat(
            assertError(unknown, 401, ACCESS_DENIED)
                .path("error")
                .path("data")
                .path("reason")
                .asText())
        .isEqualTo("unknown_key");
    assertError(http.send("GET", null, "Accept", "text/event-stream"), 401, ACCESS_DENIED);
    assertError(http.send("DELETE", null, "Mcp-Session-Id", "x"), 401, ACCESS_DENIED);

    Answer good = http.post(null, initialize, "Authorization", "Bearer " + bots);
    assertThat(good.status()).as(good.body()).isEqualTo(200);
  }

  @Test
  void aSessionAnswersOnlyTheKeyThatOpenedIt() throws Exception {
    String other =
        AccessKeys.add(dir.resolve("keys.json"), "other", List.of("elsewhere"), false, false);
    RawMcpHttp http = new RawMcpHttp(server.uri());
    Answer opened =
        http.post(
            null,
            RawMcpHttp.initializeRequest(1, ProtocolVersions.MCP_2025_06_18, "owner"),
            "Authorization",
            "Bearer " + bots);
    assertThat(opened.status()).as(opened.body()).isEqualTo(200);
    String session = opened.header("Mcp-Session-Id");
    assertThat(session).isNotBlank();
    http.post(
        session,
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
        "Authorization",
        "Bearer " + bots,
        "MCP-Protocol-Version",
        ProtocolVersions.MCP_2025_06_18);
    String list = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
    // The keys file is read again within a second: wait until the new key is known.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(
            () ->
                http.post(
                            null,
                            RawMcpHttp.initializeRequest(
                                1, ProtocolVersions.MCP_2025_06_18, "probe"),
                            "Authorization",
                            "Bearer " + other)
                        .status()
                    == 200);

    Answer stolen =
        http.post(
            session,
            list,
            "Authorization",
            "Bearer " + other,
            "MCP-Protocol-Version",
            ProtocolVersions.MCP_2025_06_18);
    assertThat(stolen.status()).as(stolen.body()).isEqualTo(404);
    assertThat(
            http.send("DELETE", null, "Mcp-Session-Id", session, "Authorization", "Bearer " + other)
                .status())
        .isEqualTo(404);
    Answer owner =
        http.post(
            session,
            list,
            "Authorization",
            "Bearer " + bots,
            "MCP-Protocol-Version",
            ProtocolVersions.MCP_2025_06_18);
    assertThat(owner.status()).as(owner.body()).isEqualTo(200);
  }

  private static void loginAndTalk(McpAgent agent, String name) {
    assertThat(agent.text("rooms")).as("rooms before login, with the key").startsWith("[");
    CallToolResult outside = agent.call("login", Map.of("username", "alice", "room", "agents"));
    assertThat(outside.isError()).isTrue();
    assertThat(McpAgent.text(outside)).contains("40013").contains("\"reason\":\"username\"");
    assertThat(agent.login(name, "agents")).contains("[you are " + name + " in room agents");
    agent.say("hello from " + name);
    assertThat(agent.text("rooms")).contains("agents");
  }

  @Test
  void theLoginToolUsesTheBearerKeyOverHttp() {
    McpAgent agent =
        McpAgent.of(
            McpClient.sync(
                    HttpClientStreamableHttpTransport.builder(server.uri().toString())
                        .endpoint("/mcp")
                        .requestBuilder(
                            HttpRequest.newBuilder().header("Authorization", "Bearer " + bots))
                        .connectTimeout(Duration.ofSeconds(5))
                        .build())
                .requestTimeout(McpAgent.CALL_LIMIT)
                .initializationTimeout(McpAgent.CALL_LIMIT)
                .jsonSchemaValidator(new SchemaValidator())
                .build());
    try (agent) {
      loginAndTalk(agent, "bots/http");
    }
  }

  @Test
  void theLoginToolUsesParleyKeyOverStdio() {
    List<String> command = McpAgent.bridgeCommand(server.uri());
    ServerParameters process =
        ServerParameters.builder(command.get(0))
            .args(command.subList(1, command.size()))
            .addEnvVar("PARLEY_KEY", bots)
            .build();
    McpAgent agent =
        McpAgent.of(
            McpClient.sync(new StdioClientTransport(process, McpBridge.jsonMapper()))
                .requestTimeout(McpAgent.CALL_LIMIT)
                .initializationTimeout(McpAgent.CALL_LIMIT)
                .jsonSchemaValidator(new SchemaValidator())
                .build());
    try (agent) {
      loginAndTalk(agent, "bots/stdio");
    }
  }
}
