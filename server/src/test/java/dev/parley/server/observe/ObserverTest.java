package dev.parley.server.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import dev.parley.viewer.observe.FrameClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The daemon's observer stream, read by a Java WebSocket client. */
class ObserverTest {
  private static final Duration BOUND = Duration.ofSeconds(30);

  private static boolean chat(JsonNode frame, String content) {
    return frame.path("parsed_content").path("type").asText().equals("chat")
        && frame.path("parsed_content").path("content").asText().equals(content);
  }

  @Test
  void aRoomStreamsWelcomeMessagesActivityPresenceAndPongs() throws Exception {
    try (RunningServer server = RunningServer.start(); FrameClient observer = FrameClient.connect(server.uri(), "watched")) {
      JsonNode welcome = observer.next(BOUND);
      assertThat(welcome.get("type").asText()).isEqualTo("welcome");
      assertThat(welcome.get("mode").asText()).isEqualTo("live");
      assertThat(welcome.get("room").asText()).isEqualTo("watched");

      RpcClient ada = server.login("ada", "watched");
      ada.call("append", Map.of("text", "hello"));
      List<JsonNode> drafting = observer.until(f -> f.path("state").asText().equals("drafting"), BOUND);
      assertThat(drafting).extracting(f -> f.get("type").asText())
          .contains("chat_message", "activity", "presence");
      assertThat(drafting.get(drafting.size() - 1).get("draft_suffix").asText()).isEqualTo("hello");
      assertThat(drafting).allSatisfy(f -> assertThat(f.get("room").asText()).isEqualTo("watched"));

      ada.call("push");
      List<JsonNode> pushed = observer.until(f -> f.path("state").asText().equals("idle"), BOUND);
      assertThat(pushed).anySatisfy(f -> assertThat(chat(f, "hello")).isTrue());
      assertThat(pushed).anySatisfy(f -> {
        assertThat(f.get("type").asText()).isEqualTo("activity");
        assertThat(f.get("status").asText()).startsWith("sent msg-");
      });

      observer.send("{\"type\":\"ping\"}");
      assertThat(observer.next(BOUND).get("type").asText()).isEqualTo("pong");
    }
  }

  @Test
  void anObserverOfOneRoomSeesNothingOfAnother() throws Exception {
    try (RunningServer server = RunningServer.start();
        FrameClient one = FrameClient.connect(server.uri(), "one");
        FrameClient all = FrameClient.connect(server.uri(), null)) {
      one.next(BOUND);
      all.next(BOUND);
      RpcClient elsewhere = server.login("bob", "two");
      elsewhere.call("append", Map.of("text", "in room two"));
      elsewhere.call("push");
      RpcClient here = server.login("ada", "one");
      here.call("append", Map.of("text", "in room one"));
      here.call("push");

      List<JsonNode> seenByOne = one.until(f -> chat(f, "in room one"), BOUND);
      assertThat(seenByOne).allSatisfy(f -> assertThat(f.get("room").asText()).isEqualTo("one"));
      List<JsonNode> seenByAll = all.until(f -> chat(f, "in room one"), BOUND);
      assertThat(seenByAll).anySatisfy(f -> assertThat(chat(f, "in room two")).isTrue());
    }
  }
}
