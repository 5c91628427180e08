package dev.parley.server.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.ParleyServer;
import dev.parley.server.ServerConfig;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import dev.parley.viewer.observe.FrameClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** note: reasoning and tool calls reach observers and the log, never the chat. */
class NoteTest {
  private static final Duration BOUND = Duration.ofSeconds(30);

  @TempDir Path dataDir;

  @Test
  void notesReachObserversAndTheLogButNotTheRoom() throws Exception {
    try (RunningServer server = RunningServer.start(ServerConfig.ephemeral().withDataDir(dataDir));
        FrameClient observer = FrameClient.connect(server.uri(), "notes")) {
      observer.next(BOUND);
      RpcClient agent = server.login("agent", "notes");
      RpcClient reader = server.login("reader", "notes");
      agent.call("check", Map.of("timeout_ms", 0));

      assertThat(
              agent
                  .call("note", Map.of("kind", "thinking", "content", "they want a date"))
                  .get("status")
                  .asInt())
          .isEqualTo(1);
      agent.call(
          "note",
          Map.of(
              "kind",
              "tool_call",
              "content",
              "{\"name\": \"calendar\", \"arguments\": {\"month\": 11}}"));
      agent.call("note", Map.of("kind", "tool_response", "content", "Friday is free"));

      List<JsonNode> frames =
          observer.until(
              f -> f.path("parsed_content").path("content").asText().equals("Friday is free"),
              BOUND);
      assertThat(frames)
          .filteredOn(f -> f.get("type").asText().equals("chat_message"))
          .extracting(
              f ->
                  f.get("parsed_content").get("type").asText()
                      + " "
                      + f.get("parsed_content").path("function").asText())
          .contains("thinking ", "tool_call calendar", "tool_response ");

      // Nothing for the other participant, nothing in the history.
      assertThat(reader.call("check", Map.of("timeout_ms", 0)).get("messages")).isEmpty();
      assertThat(RpcClient.chatLines(reader.call("history"))).isEmpty();
      agent.error("note", Map.of("kind", "thinking", "content", "bell\u0007"), 40004);
      agent.error("note", Map.of("kind", "gossip", "content", "x"), -32602);
    }
    List<String> log =
        Files.readAllLines(dataDir.resolve(ParleyServer.LOGS).resolve("notes.jsonl"));
    assertThat(log)
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains(
                        "\"type\":\"thinking\"", "<bot_thinking>they want a date</bot_thinking>"));
  }
}
