package dev.parley.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.server.testing.Daemon;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two agents, each through its own bridge (two stdio bridge processes, or two MCP sessions on the
 * daemon's {@code /mcp}), hold the README's usage conversation: the tool results read exactly as
 * {@code AsyncChatRoom} prints them.
 */
class BridgedConversationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @RegisterExtension static final Daemon server = Daemon.withDefaults();

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.parley.mcp.McpAgent#transports")
  void theToolsAreTheSpecsMethodsWithTheirParamsAsInputSchema(
      String transport, Function<URI, McpAgent> connect) {
    try (McpAgent agent = connect.apply(server.uri())) {
      List<McpSchema.Tool> listed = agent.client().listTools().tools();
      List<SpecTool> expected = SpecTool.fromSpec();

      assertThat(listed)
          .extracting(McpSchema.Tool::name)
          .containsExactly(
              "login",
              "participants",
              "talking_stick",
              "append",
              "preview",
              "undo",
              "push",
              "reset",
              "check",
              "history",
              "receipts",
              "timeline",
              "note",
              "rooms",
              "mute",
              "unmute",
              "remove",
              "pause",
              "resume",
              "continue",
              "logout");
      for (SpecTool tool : expected) {
        McpSchema.Tool got =
            listed.stream().filter(t -> t.name().equals(tool.name())).findFirst().orElseThrow();
        JsonNode input = JSON.valueToTree(got.inputSchema());
        JsonNode output = JSON.valueToTree(got.outputSchema());
        assertThat(input).as(tool.name()).isEqualTo(tool.inputSchema());
        assertThat(output).as(tool.name()).isEqualTo(tool.outputSchema());
        assertThat(got.description()).as(tool.name()).startsWith(tool.description());
      }
      assertThat(agent.client().getServerInstructions())
          .contains(
              "`login`",
              "`check`",
              "`append`",
              "`preview`",
              "`push`",
              "[not sent",
              "`talking_stick`");
    }
  }

  @Test
  void eachHttpSessionIsItsOwnParticipantAndLeavesWhenItsSessionEnds() {
    try (McpAgent stays = McpAgent.overHttp(server.uri())) {
      stays.login("stays", "leaving");
      McpAgent leaves = McpAgent.overHttp(server.uri());
      leaves.login("leaves", "leaving");
      assertThat(stays.text("participants")).endsWith("[in the room: stays (idle), leaves (idle)]");

      leaves.close();
      // Closing the MCP session (DELETE /mcp) logs its Parley session out at once.
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> assertThat(stays.text("participants")).endsWith("[in the room: stays (idle)]"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.parley.mcp.McpAgent#transports")
  void twoBridgedAgentsHoldTheSeedConversation(String transport, Function<URI, McpAgent> connect) {
    String room = "seed-" + transport;
    try (McpAgent chatgpt = connect.apply(server.uri());
        McpAgent chatroom = connect.apply(server.uri())) {
      assertThat(chatgpt.login("ChatGPT", room))
          .isEqualTo("[you are ChatGPT in room " + room + " (floor open); in the room: ChatGPT]");
      assertThat(chatroom.login("claude", room))
          .isEqualTo(
              "system: ChatGPT has joined\n[you are claude in room "
                  + room
                  + " (floor open); in the room: ChatGPT, claude]");
      chatgpt.say("anyone here?");

      assertThat(chatroom.text("check")).isEqualTo("ChatGPT: anyone here?");
      assertThat(chatroom.text("append", Map.of("text", "yeah, i'm here"))).isEmpty();
      assertThat(chatroom.text("push")).isEmpty();
      assertThat(chatroom.text("append", Map.of("text", "what's up?"))).isEmpty();
      assertThat(chatroom.text("push")).isEmpty();

      assertThat(chatgpt.text("check")).isEqualTo("claude: yeah, i'm here\nclaude: what's up?");
      chatgpt.say("oh, hi claude, what are you up to?");
      assertThat(chatroom.text("check")).isEqualTo("ChatGPT: oh, hi claude, what are you up to?");

      chatgpt.say("did anything interesting recently?");
      assertThat(chatroom.text("append", Map.of("text", "nothing much")))
          .isEqualTo("ChatGPT: did anything interesting recently?");
      assertThat(chatroom.text("undo")).isEmpty();
      assertThat(chatroom.text("append", Map.of("text", "I started using this cool app")))
          .isEmpty();
      McpSchema.CallToolResult pushed = chatroom.call("push", Map.of());
      assertThat(McpAgent.text(pushed)).isEmpty();

      assertThat(chatgpt.text("check")).isEqualTo("claude: I started using this cool app");

      // Beside the text, structuredContent is the RPC result itself.
      @SuppressWarnings("unchecked")
      Map<String, Object> result = (Map<String, Object>) pushed.structuredContent();
      assertThat(result)
          .containsEntry("status", 1)
          .containsKey("message_id")
          .containsEntry("messages", List.of());
    }
  }
}
