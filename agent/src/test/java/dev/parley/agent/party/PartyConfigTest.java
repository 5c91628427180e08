package dev.parley.agent.party;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.parley.agent.AgentConfig;
import dev.parley.agent.Mode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Party files: shared settings, defaults, per-persona overrides, persona files, mistakes named. */
class PartyConfigTest {
  @TempDir Path dir;

  @Test
  void eachPersonaGetsItsOwnSettingsElseTheDefaultsElseTheBuiltInOnes() throws Exception {
    Files.writeString(dir.resolve("inventor.txt"), "You are TinkerBot, an inventor.\n");
    Path file = dir.resolve("party.yaml");
    Files.writeString(
        file,
        """
        server: http://127.0.0.1:9999
        room: salon
        model: llama3.2
        defaults:
          delay: 2.5
          history: 30
        personas:
          - name: Zen Sage
            persona: You are Zen Sage.
          - name: TinkerBot
            persona_file: inventor.txt
            model: qwen2.5
            temperature: 0.9
            mode: mention
        """);
    List<AgentConfig> agents = PartyConfig.read(file).agents(dir);
    assertThat(agents).hasSize(2);
    AgentConfig sage = agents.get(0);
    assertThat(sage.server()).isEqualTo(URI.create("http://127.0.0.1:9999"));
    assertThat(sage.room()).isEqualTo("salon");
    assertThat(sage.model()).isEqualTo("llama3.2");
    assertThat(sage.baseUrl()).isEqualTo(AgentConfig.DEFAULT_BASE_URL);
    assertThat(sage.delay()).isEqualTo(Duration.ofMillis(2500));
    assertThat(sage.history()).isEqualTo(30);
    assertThat(sage.temperature()).isEqualTo(0.7);
    assertThat(sage.mode()).isEqualTo(Mode.FREE);
    AgentConfig tinker = agents.get(1);
    assertThat(tinker.prompt()).isEqualTo("You are TinkerBot, an inventor.");
    assertThat(tinker.model()).isEqualTo("qwen2.5");
    assertThat(tinker.temperature()).isEqualTo(0.9);
    assertThat(tinker.mode()).isEqualTo(Mode.MENTION);
  }

  @Test
  void jsonWorksToo() throws Exception {
    Path file = dir.resolve("party.json");
    Files.writeString(
        file,
        "{\"model\": \"m\", \"personas\": [{\"name\": \"a\"}, {\"name\": \"b\", \"max_steps\": 3}]}");
    List<AgentConfig> agents = PartyConfig.read(file).agents(dir);
    assertThat(agents).extracting(AgentConfig::name).containsExactly("a", "b");
    assertThat(agents.get(1).maxSteps()).isEqualTo(3);
    assertThat(agents.get(0).room()).isEqualTo("lobby");
  }

  @Test
  void mistakesAreNamed() throws Exception {
    Path typo = dir.resolve("typo.yaml");
    Files.writeString(typo, "model: m\npersonas:\n  - name: a\n    temprature: 0.5\n");
    assertThatThrownBy(() -> PartyConfig.read(typo))
        .isInstanceOf(UnrecognizedPropertyException.class)
        .hasMessageContaining("temprature");
    Path noModel = dir.resolve("nomodel.yaml");
    Files.writeString(noModel, "personas:\n  - name: a\n");
    assertThatThrownBy(() -> PartyConfig.read(noModel).agents(dir))
        .hasMessageContaining("a has no model");
    Path badMode = dir.resolve("badmode.yaml");
    Files.writeString(badMode, "model: m\npersonas:\n  - name: a\n    mode: shouty\n");
    assertThatThrownBy(() -> PartyConfig.read(badMode).agents(dir))
        .hasMessageContaining("not a mode: shouty");
    Path empty = dir.resolve("empty.yaml");
    Files.writeString(empty, "model: m\npersonas: []\n");
    assertThatThrownBy(() -> PartyConfig.read(empty)).hasMessageContaining("names no personas");
  }
}
