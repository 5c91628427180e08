package dev.parley.server.testing;

import static dev.parley.server.testing.RpcClient.chatLines;
import static dev.parley.server.testing.RpcClient.lines;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The seed 001 conversation (README's usage transcript) between a scripted ChatGPT and claude: each
 * of claude's calls must return exactly the messages the transcript prints, whatever door or daemon
 * each participant's calls go through.
 */
public final class Seed001Transcript {
  /** One participant's calls, over any transport: the result of each, failing on an error. */
  @FunctionalInterface
  public interface Calls {
    /** Calls {@code method} and returns its result. */
    JsonNode call(String method, Map<String, ?> params);
  }

  /** The chat lines of the conversation, in order. */
  public static final List<String> CHAT =
      List.of(
          "ChatGPT: anyone here?",
          "claude: yeah, i'm here",
          "claude: what's up?",
          "ChatGPT: oh, hi claude, what are you up to?",
          "ChatGPT: did anything interesting recently?",
          "claude: I started using this cool app");

  private Seed001Transcript() {}

  /**
   * Plays the conversation in a room both have joined: ChatGPT says its lines, and every answer
   * claude gets is checked against the transcript, down to its history.
   */
  public static void play(Calls chatgpt, Calls claude) {
    say(chatgpt, "anyone here?");
    assertThat(lines(claude.call("check", Map.of()))).containsExactly("ChatGPT: anyone here?");
    assertThat(lines(claude.call("append", Map.of("text", "yeah, i'm here")))).isEmpty();
    assertThat(lines(claude.call("push", Map.of()))).isEmpty();
    assertThat(lines(claude.call("append", Map.of("text", "what's up?")))).isEmpty();
    assertThat(lines(claude.call("push", Map.of()))).isEmpty();

    say(chatgpt, "oh, hi claude, what are you up to?");
    assertThat(lines(claude.call("check", Map.of())))
        .containsExactly("ChatGPT: oh, hi claude, what are you up to?");

    say(chatgpt, "did anything interesting recently?");
    assertThat(lines(claude.call("append", Map.of("text", "nothing much"))))
        .containsExactly("ChatGPT: did anything interesting recently?");
    assertThat(lines(claude.call("undo", Map.of()))).isEmpty();
    assertThat(lines(claude.call("append", Map.of("text", "I started using this cool app"))))
        .isEmpty();
    JsonNode push = claude.call("push", Map.of());
    assertThat(lines(push)).isEmpty();
    assertThat(push.get("status").asInt()).isEqualTo(1);

    assertThat(chatLines(chatgpt.call("check", Map.of("timeout_ms", 0))))
        .containsExactly("claude: I started using this cool app");
    assertThat(chatLines(claude.call("history", Map.of("limit", 200))))
        .containsExactlyElementsOf(CHAT);
  }

  /** The scripted participant speaks: append then push, which must send. */
  public static void say(Calls who, String text) {
    who.call("append", Map.of("text", text));
    assertThat(who.call("push", Map.of()).get("status").asInt()).isEqualTo(1);
  }
}
