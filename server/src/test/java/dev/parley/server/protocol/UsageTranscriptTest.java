package dev.parley.server.protocol;

import static dev.parley.server.testing.RpcClient.lines;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's usage transcript, played by two HTTP clients: each of claude's calls returns exactly
 * the messages the transcript prints.
 */
class UsageTranscriptTest {

  @Test
  void claudeSeesExactlyWhatTheTranscriptPrints() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      RpcClient chatgpt = server.login("ChatGPT");
      RpcClient claude = server.login("claude");

      say(chatgpt, "anyone here?");
      assertThat(lines(claude.call("check"))).containsExactly("ChatGPT: anyone here?");
      assertThat(lines(claude.call("append", Map.of("text", "yeah, i'm here")))).isEmpty();
      assertThat(lines(claude.call("push"))).isEmpty();
      assertThat(lines(claude.call("append", Map.of("text", "what's up?")))).isEmpty();
      assertThat(lines(claude.call("push"))).isEmpty();

      say(chatgpt, "oh, hi claude, what are you up to?");
      assertThat(lines(claude.call("check")))
          .containsExactly("ChatGPT: oh, hi claude, what are you up to?");

      say(chatgpt, "did anything interesting recently?");
      assertThat(lines(claude.call("append", Map.of("text", "nothing much"))))
          .containsExactly("ChatGPT: did anything interesting recently?");
      assertThat(lines(claude.call("undo"))).isEmpty();
      assertThat(lines(claude.call("append", Map.of("text", "I started using this cool app"))))
          .isEmpty();
      JsonNode push = claude.call("push");
      assertThat(lines(push)).isEmpty();
      assertThat(push.get("status").asInt()).isEqualTo(1);

      assertThat(RpcClient.chatLines(chatgpt.call("check", Map.of("timeout_ms", 0))))
          .containsExactly("claude: I started using this cool app");
      JsonNode history = claude.call("history", Map.of("limit", 200));
      assertThat(RpcClient.chatLines(history))
          .containsExactly(
              "ChatGPT: anyone here?",
              "claude: yeah, i'm here",
              "claude: what's up?",
              "ChatGPT: oh, hi claude, what are you up to?",
              "ChatGPT: did anything interesting recently?",
              "claude: I started using this cool app");
    }
  }

  /** The scripted second participant speaks: append then push, which must send. */
  private static void say(RpcClient who, String text) {
    who.call("append", Map.of("text", text));
    assertThat(who.call("push").get("status").asInt()).isEqualTo(1);
  }
}
