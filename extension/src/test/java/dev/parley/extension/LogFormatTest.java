package dev.parley.extension;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The texts of an action in the conversation log, which the live frames show as a replay does. */
class LogFormatTest {

  @Test
  void aCallIsItsNameAndArguments() {
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("text", "hello");
    arguments.put("timeout_ms", 500);
    assertThat(LogFormat.callText("append", arguments))
        .isEqualTo("{\"name\":\"append\",\"arguments\":{\"text\":\"hello\",\"timeout_ms\":500}}");
  }

  @Test
  void aResultNamesItsMessagesByIdInsteadOfCarryingThem() {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("status", 1);
    result.put(
        "messages",
        List.of(
            Map.of("message_id", "msg-3", "content", "a long backlog"),
            Map.of("message_id", "msg-4", "content", "more of it")));
    assertThat(LogFormat.outcomeText(result, null))
        .isEqualTo("{\"status\":1,\"" + LogFormat.MESSAGE_IDS + "\":[\"msg-3\",\"msg-4\"]}");
  }

  @Test
  void aResultWithoutMessagesIsWrittenAsItIs() {
    assertThat(LogFormat.outcomeText(Map.of("rooms", List.of()), null)).isEqualTo("{\"rooms\":[]}");
  }
}
