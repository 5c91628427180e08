package dev.parley.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.server.testing.Daemon;
import dev.parley.server.testing.RpcClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Everything that can go wrong comes back as a clear answer, never as a hang. */
class BridgeErrorsTest {
  @RegisterExtension static final Daemon server = Daemon.withDefaults();

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.parley.mcp.McpAgent#transports")
  void aToolBeforeLoginSaysToLogInFirst(String transport, Function<URI, McpAgent> connect) {
    try (McpAgent agent = connect.apply(server.uri())) {
      for (String tool : List.of("append", "check", "push", "talking_stick", "logout")) {
        Map<String, Object> args = tool.equals("append") ? Map.of("text", "hi") : Map.of();
        CallToolResult result = agent.call(tool, args);
        assertThat(result.isError()).as(tool).isTrue();
        assertThat(McpAgent.text(result))
            .as(tool)
            .startsWith("Not logged in: call the `login` tool first");
      }
      // A method that needs no session works before login.
      assertThat(agent.text("rooms")).startsWith("[");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.parley.mcp.McpAgent#transports")
  void moderationsRefusalsSayWhatToDo(String transport, Function<URI, McpAgent> connect) {
    String room = "moderated-" + transport;
    // ann, who makes the room, moderates it; the agent over MCP does not.
    RpcClient ann = server.login("ann", room);
    try (McpAgent agent = connect.apply(server.uri())) {
      agent.login("bot-" + transport, room);
      CallToolResult refused = agent.call("pause", Map.of());
      assertThat(refused.isError()).isTrue();
      assertThat(McpAgent.text(refused))
          .startsWith("Error 40013")
          .contains("Only the room's moderators may do this.");

      ann.call("mute", Map.of("user", "bot-" + transport));
      agent.call("append", Map.of("text", "let me speak"));
      CallToolResult muted = agent.call("push", Map.of());
      assertThat(muted.isError()).isTrue();
      assertThat(McpAgent.text(muted))
          .startsWith("Error 40014")
          .contains("[not sent: ann muted you; your draft is kept]");
      assertThat(McpAgent.text(agent.call("preview", Map.of()))).contains("let me speak");
      ann.call("unmute", Map.of("user", "bot-" + transport));
      assertThat(agent.call("push", Map.of()).isError()).isFalse();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.parley.mcp.McpAgent#transports")
  void anUnknownToolIsAnErrorNamingIt(String transport, Function<URI, McpAgent> connect) {
    try (McpAgent agent = connect.apply(server.uri())) {
      // MCP makes an unknown tool a protocol error (not a tool result); the SDK answers it.
      assertThatThrownBy(() -> agent.call("shout", Map.of("text", "hi")))
          .isInstanceOf(McpError.class)
          .satisfies(
              e -> assertThat(e.getMessage() + ((McpError) e).getJsonRpcError()).contains("shout"));
      assertThat(agent.text("rooms")).startsWith("[");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.parley.mcp.McpAgent#transports")
  void invalidArgumentsAreAnErrorResultSayingWhatIsWrong(
      String transport, Function<URI, McpAgent> connect) {
    try (McpAgent agent = connect.apply(server.uri())) {
      agent.login("checker-" + transport, "errors");

      CallToolResult missing = agent.call("append", Map.of());
      assertThat(missing.isError()).isTrue();
      assertThat(McpAgent.text(missing))
          .startsWith("Invalid arguments for `append`: ")
          .contains("text");

      CallToolResult wrongType = agent.call("check", Map.of("timeout_ms", "soon"));
      assertThat(wrongType.isError()).isTrue();
      assertThat(McpAgent.text(wrongType))
          .startsWith("Invalid arguments for `check`: ")
          .contains("/timeout_ms");

      CallToolResult unknown = agent.call("push", Map.of("loud", true));
      assertThat(unknown.isError()).isTrue();
      assertThat(McpAgent.text(unknown))
          .startsWith("Invalid arguments for `push`: ")
          .contains("loud");

      CallToolResult badName = agent.call("login", Map.of("username", "x", "room", "Not A Room"));
      assertThat(badName.isError()).isTrue();
      assertThat(McpAgent.text(badName))
          .startsWith("Invalid arguments for `login`: ")
          .contains("/room");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.parley.mcp.McpAgent#transports")
  void receiptsAndTimelineOfAMessageTheRoomDoesNotHaveAreInvalidArguments(
      String transport, Function<URI, McpAgent> connect) {
    try (McpAgent agent = connect.apply(server.uri())) {
      agent.login("reader-" + transport, "errors-seen-" + transport);
      for (String tool : List.of("receipts", "timeline")) {
        CallToolResult unknown = agent.call(tool, Map.of("message_id", "msg-999"));
        assertThat(unknown.isError()).as(tool).isTrue();
        assertThat(McpAgent.text(unknown))
            .as(tool)
            .contains("-32602")
            .contains("/message_id")
            .contains("has no message msg-999")
            .doesNotContain("Exception");
      }
      // The join is message 1: alone, nobody else has a receipt of it.
      assertThat(agent.text("receipts", Map.of("message_id", "msg-1")))
          .isEqualTo("[msg-1: nobody else is in the room]");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.parley.mcp.McpAgent#transports")
  void anRpcErrorIsAnErrorResultWithItsCodeMessageAndData(
      String transport, Function<URI, McpAgent> connect) {
    try (McpAgent agent = connect.apply(server.uri());
        McpAgent other = connect.apply(server.uri())) {
      agent.login("pusher-" + transport, "errors-rpc");
      CallToolResult empty = agent.call("push", Map.of());
      assertThat(empty.isError()).isTrue();
      assertThat(McpAgent.text(empty))
          .isEqualTo(
              "Error 40001 (No draft exists): the draft is empty: append before"
                  + " you push. Append text to the draft before you push.\n"
                  + "data: {\"detail\":\"the draft is empty: append before you push\"}");

      CallToolResult taken =
          other.call("login", Map.of("username", "Pusher-" + transport, "room", "errors-rpc"));
      assertThat(taken.isError()).isTrue();
      assertThat(McpAgent.text(taken))
          .startsWith(
              "Error 40011 (Username taken): Pusher-"
                  + transport
                  + " is too like pusher-"
                  + transport
                  + ", who is in errors-rpc, last active ")
          .contains("log in with resume set to that session's token")
          .contains(
              "data: {\"username\":\"Pusher-"
                  + transport
                  + "\",\"room\":\"errors-rpc\",\"holder\":\"pusher-"
                  + transport
                  + "\",\"last_active\":");
    }
  }

  @Test
  void aDaemonThatIsDownIsAnErrorResultSoon() throws IOException {
    URI nobody;
    try (ServerSocket free = new ServerSocket(0)) {
      nobody = URI.create("http://127.0.0.1:" + free.getLocalPort());
    }
    try (McpAgent agent = McpAgent.overStdio(nobody)) {
      long started = System.nanoTime();
      CallToolResult result = agent.call("login", Map.of("username", "alone"));
      assertThat(result.isError()).isTrue();
      assertThat(McpAgent.text(result))
          .startsWith("The Parley daemon at " + nobody + " did not answer (")
          .contains("Is it running? Start it with `parley serve`");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }
  }
}
