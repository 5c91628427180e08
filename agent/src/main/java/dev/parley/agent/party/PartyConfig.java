package dev.parley.agent.party;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.parley.agent.AgentConfig;
import dev.parley.agent.Mode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A party file (YAML or JSON): the room and endpoint shared by all, and one entry per persona, each
 * of which may override the shared settings.
 *
 * <pre>{@code
 * server: http://127.0.0.1:8890
 * room: salon
 * base_url: http://127.0.0.1:11434/v1
 * model: llama3.2
 * personas:
 *   - name: Zen Sage
 *     persona: You are Zen Sage, calm and brief.
 *   - name: TinkerBot
 *     persona_file: inventor.txt
 *     temperature: 0.9
 *     delay: 5
 * }</pre>
 *
 * @param server the daemon
 * @param room the room
 * @param baseUrl the endpoint
 * @param apiKeyEnv the environment variable of the API key
 * @param model the model
 * @param defaults the settings every persona starts from
 * @param personas the personas
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record PartyConfig(
    @JsonProperty("server") URI server,
    @JsonProperty("room") String room,
    @JsonProperty("base_url") URI baseUrl,
    @JsonProperty("api_key_env") String apiKeyEnv,
    @JsonProperty("model") String model,
    @JsonProperty("defaults") Entry defaults,
    @JsonProperty("personas") List<Entry> personas) {

  /**
   * One persona, or the defaults: every field may be left out.
   *
   * @param name the username
   * @param model the model, overriding the party's
   * @param baseUrl the endpoint, overriding the party's
   * @param apiKeyEnv the key's variable, overriding the party's
   * @param persona the personality, inline
   * @param personaFile the personality, from a file (relative to the party file)
   * @param temperature the sampling temperature
   * @param maxTokens the most tokens per answer
   * @param history the conversation entries kept in the prompt
   * @param delay seconds to pause after each sent message
   * @param mode free or mention
   * @param maxSteps model calls without sending before it is stopped
   */
  public record Entry(
      @JsonProperty("name") String name,
      @JsonProperty("model") String model,
      @JsonProperty("base_url") URI baseUrl,
      @JsonProperty("api_key_env") String apiKeyEnv,
      @JsonProperty("persona") String persona,
      @JsonProperty("persona_file") String personaFile,
      @JsonProperty("temperature") Double temperature,
      @JsonProperty("max_tokens") Integer maxTokens,
      @JsonProperty("history") Integer history,
      @JsonProperty("delay") Double delay,
      @JsonProperty("mode") String mode,
      @JsonProperty("max_steps") Integer maxSteps) {}

  /** Reads a party file; YAML is a superset of JSON, so both read alike. */
  public static PartyConfig read(Path file) throws IOException {
    ObjectMapper yaml =
        new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    PartyConfig config = yaml.readValue(file.toFile(), PartyConfig.class);
    if (config == null || config.personas() == null || config.personas().isEmpty()) {
      throw new IllegalArgumentException(file + " names no personas");
    }
    return config;
  }

  /**
   * Each persona's full configuration: its own settings, else the defaults, else the built-in ones.
   */
  public List<AgentConfig> agents(Path baseDir) {
    Entry d =
        defaults == null
            ? new Entry(null, null, null, null, null, null, null, null, null, null, null, null)
            : defaults;
    List<AgentConfig> out = new ArrayList<>();
    for (Entry p : personas) {
      if (p.name() == null || p.name().isBlank()) {
        throw new IllegalArgumentException("every persona needs a name");
      }
      String personaFile = pick(p.personaFile(), d.personaFile(), null);
      String prompt = pick(p.persona(), d.persona(), null);
      if (prompt == null && personaFile != null) {
        prompt = AgentConfig.readPrompt(baseDir.resolve(personaFile));
      }
      String modelName = pick(p.model(), d.model(), model);
      if (modelName == null) {
        throw new IllegalArgumentException(
            p.name() + " has no model (set model: for the party or the persona)");
      }
      String modeName = pick(p.mode(), d.mode(), "free");
      Mode mode;
      try {
        mode = Mode.valueOf(modeName.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            p.name() + ": not a mode: " + modeName + " (free or mention)", e);
      }
      out.add(
          new AgentConfig(
              server == null ? URI.create("http://127.0.0.1:8890") : server,
              room == null ? "lobby" : room,
              p.name(),
              pick(
                  p.baseUrl(),
                  d.baseUrl(),
                  baseUrl == null ? AgentConfig.DEFAULT_BASE_URL : baseUrl),
              modelName,
              pick(p.apiKeyEnv(), d.apiKeyEnv(), apiKeyEnv),
              prompt,
              pick(p.temperature(), d.temperature(), 0.7),
              pick(p.maxTokens(), d.maxTokens(), 512),
              pick(p.history(), d.history(), 20),
              Duration.ofMillis((long) (pick(p.delay(), d.delay(), 0.0) * 1000)),
              mode,
              pick(p.maxSteps(), d.maxSteps(), 12),
              4,
              Duration.ofSeconds(120)));
    }
    return out;
  }

  private static <T> T pick(T own, T shared, T builtIn) {
    return own != null ? own : shared != null ? shared : builtIn;
  }
}
