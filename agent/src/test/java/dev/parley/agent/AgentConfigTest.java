package dev.parley.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.agent.llm.ChatCompletions;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The API key: read from the named variable, required when named, never shown. */
class AgentConfigTest {

  private static AgentConfig withKeyVariable(String variable) {
    return new AgentConfig(
        URI.create("http://127.0.0.1:1"),
        "lobby",
        "a",
        AgentConfig.DEFAULT_BASE_URL,
        "m",
        variable,
        null,
        0.7,
        64,
        10,
        Duration.ZERO,
        Mode.FREE,
        5,
        0,
        Duration.ofSeconds(5));
  }

  @Test
  void aNamedButUnsetKeyVariableIsAClearError() {
    assertThatThrownBy(() -> withKeyVariable("PARLEY_TEST_SURELY_UNSET_KEY").model(null))
        .hasMessageContaining("PARLEY_TEST_SURELY_UNSET_KEY")
        .hasMessageContaining("is not set");
  }

  @Test
  void settingsNeverShowTheKey() {
    ChatCompletions.Settings settings =
        new ChatCompletions.Settings(
            URI.create("https://api.example/v1"),
            "m",
            "sk-secret-123",
            0.7,
            64,
            Duration.ofSeconds(5),
            0,
            Duration.ofMillis(10));
    assertThat(settings.toString()).doesNotContain("sk-secret-123").contains("key set");
  }

  @Test
  void aPersonaWithoutAPromptGetsAPlainOne() {
    assertThat(withKeyVariable(null).persona().prompt())
        .isEqualTo("You are a, a thoughtful participant in a group conversation.");
  }
}
