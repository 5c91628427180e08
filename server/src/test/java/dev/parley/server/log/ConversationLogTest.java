package dev.parley.server.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.ParleyServer;
import dev.parley.server.ServerConfig;
import dev.parley.server.cli.ExportCommand;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The JSONL conversation log of a room, and parley export. */
class ConversationLogTest {
  @TempDir Path dataDir;

  @Test
  void aRoomsMessagesAndActionsAreLoggedAndItsMessagesExported() throws Exception {
    try (RunningServer server =
        RunningServer.start(ServerConfig.ephemeral().withDataDir(dataDir))) {
      RpcClient a = server.login("ada", "logged");
      a.call("append", Map.of("text", "hello \"world\""));
      a.call("push", Map.of("txn_id", "t1"));
      a.error("push", Map.of(), 40001);
    }

    List<JsonNode> log =
        Files.readAllLines(dataDir.resolve(ParleyServer.LOGS).resolve("logged.jsonl")).stream()
            .map(RpcClient::parse)
            .toList();
    assertThat(log)
        .extracting(l -> l.get("type").asText())
        .containsExactly(
            "system",
            "tool_call",
            "tool_response",
            "tool_call",
            "chat",
            "tool_response",
            "tool_call",
            "tool_response");
    for (JsonNode line : log) {
      assertThat(line.get("timestamp").asText())
          .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
      assertThat(line.has("user")).isTrue();
    }
    JsonNode call = log.get(1);
    assertThat(call.get("user").asText()).isEqualTo("ada");
    String inner = call.get("content").asText();
    assertThat(inner).startsWith("<tool_call>").endsWith("</tool_call>");
    JsonNode toolCall =
        RpcClient.parse(
            inner.substring("<tool_call>".length(), inner.length() - "</tool_call>".length()));
    assertThat(toolCall.get("name").asText()).isEqualTo("append");
    assertThat(toolCall.get("arguments").get("text").asText()).isEqualTo("hello \"world\"");
    assertThat(log.get(2).get("content").asText()).startsWith("<tool_response>{\"status\":1");
    assertThat(log.get(4).get("content").asText()).isEqualTo("hello \"world\"");
    assertThat(log.get(7).get("content").asText()).contains("\"code\":40001");

    StringWriter out = new StringWriter();
    int code =
        new CommandLine(new ExportCommand())
            .setOut(new PrintWriter(out))
            .execute("--room", "logged", "--data-dir", dataDir.toString());
    assertThat(code).isZero();
    List<JsonNode> exported = out.toString().lines().map(RpcClient::parse).toList();
    assertThat(exported)
        .extracting(
            l ->
                l.get("type").asText()
                    + " "
                    + l.get("user").asText()
                    + ": "
                    + l.get("content").asText())
        .containsExactly("system system: ada has joined", "chat ada: hello \"world\"");
    assertThat(exported.get(1)).isEqualTo(log.get(4));
  }

  @Test
  void aDeliveryIsLoggedByIdsSoEachMessageIsWrittenOnce() throws Exception {
    String text = "a long message ".repeat(60);
    int readers = 10;
    try (RunningServer server =
        RunningServer.start(ServerConfig.ephemeral().withDataDir(dataDir))) {
      RpcClient ada = server.login("ada", "fanned");
      List<RpcClient> others = new java.util.ArrayList<>();
      for (int i = 0; i < readers; i++) {
        others.add(server.login("reader" + i, "fanned"));
      }
      ada.call("append", Map.of("text", text));
      ada.call("push");
      for (RpcClient reader : others) {
        assertThat(reader.call("check", Map.of("timeout_ms", 0)).path("messages").toString())
            .contains(text.strip());
      }
    }
    String log = Files.readString(dataDir.resolve(ParleyServer.LOGS).resolve("fanned.jsonl"));
    // Once in the chat line, once in the append's arguments: never again for the ten deliveries.
    assertThat(log.split(java.util.regex.Pattern.quote(text.strip()), -1)).hasSize(3);
    List<JsonNode> checks =
        log.lines()
            .map(RpcClient::parse)
            .filter(
                l ->
                    "tool_response".equals(l.path("type").asText())
                        && "check".equals(l.path("method").asText()))
            .toList();
    assertThat(checks).hasSize(readers);
    for (JsonNode check : checks) {
      String inner = check.get("content").asText();
      JsonNode result =
          RpcClient.parse(
              inner.substring(
                  "<tool_response>".length(), inner.length() - "</tool_response>".length()));
      assertThat(result.has("messages")).isFalse();
      assertThat(result.path("message_ids").toString()).contains("\"msg-");
    }
  }

  @Test
  void moreRoomsThanOpenFilesStillGetEveryLine() throws Exception {
    Path logs = dataDir.resolve("logs");
    int rooms = ConversationLog.OPEN_FILES + 6;
    try (ConversationLog log = new ConversationLog(logs)) {
      for (int round = 0; round < 2; round++) {
        for (int r = 0; r < rooms; r++) {
          log.on(
              new dev.parley.extension.events.RoomEvent.NoteAdded(
                  "room-" + r,
                  "ada",
                  dev.parley.api.NoteKind.THINKING,
                  "round " + round,
                  java.time.Instant.parse("2026-11-21T10:00:00Z")));
        }
      }
    }
    for (int r = 0; r < rooms; r++) {
      assertThat(Files.readAllLines(ConversationLog.file(logs, "room-" + r)))
          .extracting(l -> RpcClient.parse(l).get("content").asText())
          .containsExactly(
              "<bot_thinking>round 0</bot_thinking>", "<bot_thinking>round 1</bot_thinking>");
    }
  }

  @Test
  void aLineWithALoneSurrogateDoesNotStopTheLog() throws Exception {
    Path logs = dataDir.resolve("logs");
    java.time.Instant at = java.time.Instant.parse("2026-11-21T10:00:00Z");
    try (ConversationLog log = new ConversationLog(logs)) {
      log.on(
          new dev.parley.extension.events.RoomEvent.NoteAdded(
              "r", "ada", dev.parley.api.NoteKind.THINKING, "half \uD800 a pair", at));
      log.on(
          new dev.parley.extension.events.RoomEvent.NoteAdded(
              "r", "ada", dev.parley.api.NoteKind.THINKING, "line\u2028break", at));
      log.on(
          new dev.parley.extension.events.RoomEvent.NoteAdded(
              "r", "ada", dev.parley.api.NoteKind.THINKING, "after", at));
    }
    List<String> lines = Files.readAllLines(ConversationLog.file(logs, "r"));
    assertThat(lines).hasSize(3);
    assertThat(lines.get(1)).contains("line\\u2028break").doesNotContain("\u2028");
    assertThat(lines)
        .extracting(l -> RpcClient.parse(l).get("content").asText())
        .containsExactly(
            "<bot_thinking>half ? a pair</bot_thinking>",
            "<bot_thinking>line\u2028break</bot_thinking>",
            "<bot_thinking>after</bot_thinking>");
  }

  @Test
  void whatTheQueueCannotHoldIsDroppedAndCounted() throws Exception {
    Path logs = dataDir.resolve("logs");
    try (ConversationLog log = new ConversationLog(logs, 0)) {
      for (int i = 0; i < 5; i++) {
        log.on(
            new dev.parley.extension.events.RoomEvent.NoteAdded(
                "r",
                "ada",
                dev.parley.api.NoteKind.THINKING,
                "n" + i,
                java.time.Instant.parse("2026-11-21T10:00:00Z")));
      }
      assertThat(log.dropped()).isEqualTo(5);
      assertThat(log.queuedBytes()).isZero();
    }
    assertThat(ConversationLog.file(logs, "r")).doesNotExist();
  }

  @Test
  void exportNamesWhatIsMissing() {
    StringWriter err = new StringWriter();
    int code =
        new CommandLine(new ExportCommand())
            .setErr(new PrintWriter(err))
            .execute("--room", "nowhere", "--data-dir", dataDir.toString());
    assertThat(code).isNotZero();
    assertThat(err.toString()).contains("no Parley database in");
  }
}
