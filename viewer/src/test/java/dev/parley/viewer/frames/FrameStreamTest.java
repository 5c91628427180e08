package dev.parley.viewer.frames;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Log lines into frames: messages, activity, and presence derived from the actions. */
class FrameStreamTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final FrameStream stream = new FrameStream();

  private List<JsonNode> feed(String user, String type, String content) throws Exception {
    return new ArrayList<>(stream.frames(line(user, type, content)));
  }

  /** A system message as the daemon logs it: its wording and its event. */
  private List<JsonNode> system(String eventType, String user, String content) throws Exception {
    ObjectNode line = line("system", "system", content);
    line.putObject("event").put("type", eventType).put("user", user);
    return new ArrayList<>(stream.frames(line));
  }

  private static ObjectNode line(String user, String type, String content) {
    ObjectNode line = JSON.createObjectNode();
    line.put("timestamp", "2026-11-21T10:00:00.000Z");
    line.put("user", user);
    line.put("type", type);
    line.put("content", content);
    line.put("room", "r");
    return line;
  }

  private static List<String> kinds(List<JsonNode> frames) {
    return frames.stream()
        .map(f -> f.get("type").asText() + (f.has("state") ? ":" + f.get("state").asText() : ""))
        .toList();
  }

  @Test
  void draftingWaitingAndIdleFollowTheActions() throws Exception {
    assertThat(kinds(system("joined", "ada", "ada has joined")))
        .containsExactly("chat_message", "presence:idle");
    List<JsonNode> call =
        feed(
            "ada",
            "tool_call",
            "<tool_call>{\"name\":\"append\",\"arguments\":{\"text\":\"hello\"}}</tool_call>");
    assertThat(kinds(call)).containsExactly("chat_message", "activity");
    assertThat(call.get(0).get("parsed_content").get("function").asText()).isEqualTo("append");
    assertThat(call.get(1).get("summary").asText()).isEqualTo("{\"text\":\"hello\"}");

    List<JsonNode> appended =
        feed(
            "ada",
            "tool_response",
            "<tool_response>{\"status\":1,\"suffix\":\"hello\",\"draft_length\":5,\"messages\":[]}</tool_response>");
    assertThat(kinds(appended)).containsExactly("chat_message", "activity", "presence:drafting");
    assertThat(appended.get(2).get("draft_suffix").asText()).isEqualTo("hello");

    // A check under way leaves a participant with a draft drafting.
    assertThat(
            kinds(
                feed(
                    "ada",
                    "tool_call",
                    "<tool_call>{\"name\":\"check\",\"arguments\":{}}</tool_call>")))
        .containsExactly("chat_message", "activity");
    assertThat(
            kinds(
                feed(
                    "ada",
                    "tool_response",
                    "<tool_response>{\"status\":0,\"messages\":[]}</tool_response>")))
        .containsExactly("chat_message", "activity");

    feed("ada", "tool_call", "<tool_call>{\"name\":\"push\",\"arguments\":{}}</tool_call>");
    List<JsonNode> interrupted =
        feed(
            "ada",
            "tool_response",
            "<tool_response>{\"status\":0,\"interrupted\":true,\"messages\":[]}</tool_response>");
    assertThat(interrupted.get(1).get("status").asText()).isEqualTo("interrupted");
    assertThat(kinds(interrupted)).containsExactly("chat_message", "activity");

    feed("ada", "tool_call", "<tool_call>{\"name\":\"push\",\"arguments\":{}}</tool_call>");
    assertThat(kinds(feed("ada", "chat", "hello"))).containsExactly("chat_message");
    List<JsonNode> sent =
        feed(
            "ada",
            "tool_response",
            "<tool_response>{\"status\":1,\"message_id\":\"msg-4\",\"messages\":[]}</tool_response>");
    assertThat(sent.get(1).get("status").asText()).isEqualTo("sent msg-4");
    assertThat(kinds(sent)).containsExactly("chat_message", "activity", "presence:idle");
    assertThat(
            kinds(
                feed(
                    "ada",
                    "tool_call",
                    "<tool_call>{\"name\":\"check\",\"arguments\":{}}</tool_call>")))
        .containsExactly("chat_message", "activity", "presence:waiting");

    JsonNode welcome = stream.welcome("r", "live");
    assertThat(welcome.get("participants").findValuesAsText("user")).containsExactly("ada");
    assertThat(stream.welcome("elsewhere", "live").get("participants")).isEmpty();
  }

  @Test
  void theTalkingStickAndLeavingShowInPresence() throws Exception {
    system("joined", "ada", "ada has joined");
    system("joined", "bob", "bob has joined");
    List<JsonNode> claimed = system("stick_claimed", "ada", "ada has the talking stick");
    assertThat(claimed.get(claimed.size() - 1).get("holds_stick").asBoolean()).isTrue();
    List<JsonNode> taken = system("stick_claimed", "bob", "bob has the talking stick");
    assertThat(taken)
        .filteredOn(f -> f.get("type").asText().equals("presence"))
        .extracting(f -> f.get("user").asText() + "=" + f.get("holds_stick").asBoolean())
        .containsExactly("ada=false", "bob=true");
    List<JsonNode> left = system("expired", "bob", "bob has left (session expired)");
    JsonNode presence = left.get(left.size() - 1);
    assertThat(presence.get("state").asText()).isEqualTo("left");
    assertThat(presence.get("holds_stick").asBoolean()).isFalse();
    assertThat(presence.get("last_system").asText()).isEqualTo("bob has left (session expired)");
  }

  @Test
  void anAppendWhileACheckWaitsShowsTheParticipantDrafting() throws Exception {
    system("joined", "ada", "ada has joined");
    feed("ada", "tool_call", "<tool_call>{\"name\":\"check\",\"arguments\":{}}</tool_call>");
    feed(
        "ada",
        "tool_call",
        "<tool_call>{\"name\":\"append\",\"arguments\":{\"text\":\"hi\"}}</tool_call>");
    ObjectNode appended =
        line(
            "ada",
            "tool_response",
            "<tool_response>{\"status\":1,\"suffix\":\"hi\",\"draft_length\":2,\"messages\":[]}</tool_response>");
    appended.put("method", "append");
    List<JsonNode> whileWaiting = new ArrayList<>(stream.frames(appended));
    assertThat(whileWaiting.get(1).get("method").asText()).isEqualTo("append");
    assertThat(kinds(whileWaiting))
        .containsExactly("chat_message", "activity", "presence:drafting");
    ObjectNode checked =
        line(
            "ada",
            "tool_response",
            "<tool_response>{\"status\":0,\"messages\":[]}</tool_response>");
    checked.put("method", "check");
    List<JsonNode> done = new ArrayList<>(stream.frames(checked));
    assertThat(done.get(1).get("status").asText()).isEqualTo("timed out");
    assertThat(kinds(done)).containsExactly("chat_message", "activity");
  }

  @Test
  void aLineWithoutUserOrContentIsMalformed() {
    assertThatThrownBy(() -> stream.frames(JSON.readTree("{\"content\": \"x\"}")))
        .isInstanceOf(MalformedLineException.class);
    assertThatThrownBy(() -> stream.frames(JSON.readTree("[]")))
        .isInstanceOf(MalformedLineException.class);
  }
}
