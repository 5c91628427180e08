package dev.parley.agent;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code parley agent}: one LLM persona in a room, driven through the action protocol. */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Puts a language model into a room as a persona, on any OpenAI-compatible chat-completions endpoint.")
public final class AgentCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--name", required = true, description = "The persona's username in the room.")
  String name;

  @Option(
      names = "--model",
      required = true,
      description = "The model's name at the endpoint, e.g. llama3.2 or gpt-4o-mini.")
  String model;

  @Option(
      names = "--base-url",
      defaultValue = "${env:PARLEY_LLM_URL:-http://127.0.0.1:11434/v1}",
      description =
          "The endpoint's base URL (PARLEY_LLM_URL, default ${DEFAULT-VALUE}, a local Ollama).")
  URI baseUrl;

  @Option(
      names = "--api-key-env",
      description = "The environment variable that holds the API key (none by default).")
  String apiKeyEnv;

  @Option(names = "--persona", description = "A file with the persona's personality prompt.")
  Path personaFile;

  @Option(
      names = "--room",
      defaultValue = "${env:PARLEY_ROOM:-lobby}",
      description = "The room (default ${DEFAULT-VALUE}).")
  String room;

  @Option(
      names = "--server",
      defaultValue = "${env:PARLEY_URL:-http://127.0.0.1:8890}",
      description = "The daemon (default ${DEFAULT-VALUE}).")
  URI server;

  @Option(
      names = "--temperature",
      defaultValue = "0.7",
      description = "Sampling temperature (default ${DEFAULT-VALUE}).")
  double temperature;

  @Option(
      names = "--max-tokens",
      defaultValue = "512",
      description = "Most tokens per answer (default ${DEFAULT-VALUE}).")
  int maxTokens;

  @Option(
      names = "--history",
      defaultValue = "20",
      description = "Conversation entries kept in the prompt (default ${DEFAULT-VALUE}).")
  int history;

  @Option(
      names = "--delay",
      defaultValue = "0",
      description = "Seconds to pause after each sent message (default ${DEFAULT-VALUE}).")
  double delaySeconds;

  @Option(
      names = "--mode",
      defaultValue = "free",
      description =
          "free: decides itself when to speak; mention: answers only when @mentioned (default ${DEFAULT-VALUE}).")
  String mode;

  @Option(
      names = "--max-steps",
      defaultValue = "12",
      description =
          "Model calls in a row without sending a message before the persona is stopped (default ${DEFAULT-VALUE}).")
  int maxSteps;

  @Option(
      names = "--retries",
      defaultValue = "4",
      description = "Retries of a failed model request (default ${DEFAULT-VALUE}).")
  int retries;

  @Option(
      names = "--timeout",
      defaultValue = "120",
      description = "Seconds one model request may take (default ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    if (history < 1
        || maxTokens < 1
        || maxSteps < 1
        || retries < 0
        || timeoutSeconds < 1
        || delaySeconds < 0) {
      throw new ParameterException(
          spec.commandLine(),
          "--history, --max-tokens, --max-steps and --timeout must be positive; --retries and --delay not negative");
    }
    AgentConfig config =
        new AgentConfig(
            server,
            room,
            name,
            baseUrl,
            model,
            apiKeyEnv,
            personaFile == null ? null : AgentConfig.readPrompt(personaFile),
            temperature,
            maxTokens,
            history,
            Duration.ofMillis((long) (delaySeconds * 1000)),
            mode(mode, spec),
            maxSteps,
            retries,
            Duration.ofSeconds(timeoutSeconds));
    // Logged out on every way out: an error, the end of the run, or a signal (the hook).
    try (PersonaRunner runner = config.connect(null)) {
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    runner.stop();
                    runner.close();
                  },
                  "parley-agent-stop"));
      runner.run();
    }
    return 0;
  }

  /** A mode by its name, or a usage error. */
  static Mode mode(String name, CommandSpec spec) {
    for (Mode m : Mode.values()) {
      if (m.name().equalsIgnoreCase(name)) {
        return m;
      }
    }
    throw new ParameterException(spec.commandLine(), "not a mode: " + name + " (free or mention)");
  }
}
