package dev.parley.agent;

import dev.parley.agent.llm.ChatCompletions;
import dev.parley.client.AccessKey;
import dev.parley.client.ChatSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything one persona needs, as {@code parley agent} flags or one entry of a party file.
 *
 * @param server the daemon
 * @param room the room to join
 * @param name the persona's username
 * @param baseUrl the chat-completions endpoint's base URL
 * @param model the model's name
 * @param apiKeyEnv the environment variable holding the API key, or null for none
 * @param prompt the personality text (from {@code --persona FILE} or inline), or null for a plain
 *     one
 * @param temperature the sampling temperature
 * @param maxTokens the most tokens per answer
 * @param history the most conversation entries kept in the prompt
 * @param delay the pause after each sent message
 * @param mode when the persona speaks
 * @param maxSteps model calls in a row without a sent message before it is stopped
 * @param retries how many times a failed model request is tried again
 * @param timeout how long one model request may take
 */
public record AgentConfig(
    URI server,
    String room,
    String name,
    URI baseUrl,
    String model,
    String apiKeyEnv,
    String prompt,
    double temperature,
    int maxTokens,
    int history,
    Duration delay,
    Mode mode,
    int maxSteps,
    int retries,
    Duration timeout) {

  /** The default endpoint: a local Ollama, which needs no key. */
  public static final URI DEFAULT_BASE_URL = URI.create("http://127.0.0.1:11434/v1");

  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

  /** The personality text of a persona file. */
  public static String readPrompt(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read the persona file " + file + ": " + e.getMessage(), e);
    }
  }

  /** The persona this configuration describes. */
  public Persona persona() {
    String personality =
        prompt == null || prompt.isBlank()
            ? "You are " + name + ", a thoughtful participant in a group conversation."
            : prompt;
    return new Persona(name, personality, mode, history, delay, maxSteps);
  }

  /** The model client, with the key read from {@code apiKeyEnv} now. */
  public ChatCompletions model(Duration backoff) {
    String key = null;
    if (apiKeyEnv != null && !apiKeyEnv.isBlank()) {
      key = System.getenv(apiKeyEnv);
      if (key == null || key.isBlank()) {
        throw new IllegalStateException(
            "the environment variable " + apiKeyEnv + " (the API key of " + name + ") is not set");
      }
    }
    return new ChatCompletions(
        new ChatCompletions.Settings(
            baseUrl,
            model,
            key,
            temperature,
            maxTokens,
            timeout,
            retries,
            backoff == null ? FIRST_BACKOFF : backoff));
  }

  /** Joins the room and returns a runner for this persona, not started. */
  public PersonaRunner connect(Duration modelBackoff) {
    ChatCompletions client = model(modelBackoff);
    // On a daemon with access control the key comes from PARLEY_KEY, never from an argument.
    ChatSession joined =
        new ChatSession(server, name, room, ChatSession.DEFAULT_RETRY, AccessKey.find(null), null);
    return new PersonaRunner(persona(), joined, client);
  }
}
