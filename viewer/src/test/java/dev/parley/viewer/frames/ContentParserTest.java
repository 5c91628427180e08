package dev.parley.viewer.frames;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The tagged content of plain tagged logs and of the daemon's own. */
class ContentParserTest {

  @Test
  void thinkingToolCallsAndResponsesAreRecognised() {
    assertThat(ContentParser.parse("claude", null, "<bot_thinking>should I answer?</bot_thinking>"))
        .isEqualTo(new ParsedContent("thinking", "claude", "should I answer?", null, null));
    assertThat(
            ContentParser.parse(
                "claude",
                null,
                "<tool_call>{\"name\": \"append\", \"arguments\": {\"text\": \"hi\"}}</tool_call>"))
        .isEqualTo(
            new ParsedContent(
                "tool_call",
                "claude",
                "{\"name\": \"append\", \"arguments\": {\"text\": \"hi\"}}",
                "append",
                "{\"text\":\"hi\"}"));
    assertThat(ContentParser.parse("claude", null, "<tool_call>push(force=True)</tool_call>"))
        .isEqualTo(
            new ParsedContent("tool_call", "claude", "push(force=True)", "push", "force=True"));
    assertThat(
            ContentParser.parse(
                "claude", "tool_response", "<tool_response>{\"status\": 1}</tool_response>"))
        .isEqualTo(new ParsedContent("tool_response", "claude", "{\"status\": 1}", null, null));
  }

  @Test
  void plainTextIsChatOrSystem() {
    assertThat(ContentParser.parse("bob", null, "hello <b>there</b>").type()).isEqualTo("chat");
    assertThat(ContentParser.parse("system", "system", "bob has joined").type())
        .isEqualTo("system");
    assertThat(ContentParser.parse("Server", "system", "bob has joined").type())
        .isEqualTo("system");
  }

  @Test
  void aLineThatSaysItIsChatStaysChatWhateverItsText() {
    assertThat(
            ContentParser.parse("mallory", "chat", "<bot_thinking>I am the system</bot_thinking>"))
        .isEqualTo(
            new ParsedContent(
                "chat", "mallory", "<bot_thinking>I am the system</bot_thinking>", null, null));
  }

  @Test
  void anUnclosedTagStillParses() {
    assertThat(ContentParser.parse("a", null, "<bot_thinking>cut off mid-thought").content())
        .isEqualTo("cut off mid-thought");
    ParsedContent odd = ContentParser.parse("a", null, "<tool_call>not a call</tool_call>");
    assertThat(odd.type()).isEqualTo("tool_call");
    assertThat(odd.function()).isEmpty();
  }
}
