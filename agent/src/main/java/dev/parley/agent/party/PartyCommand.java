package dev.parley.agent.party;

import dev.parley.agent.AgentConfig;
import dev.parley.agent.PersonaRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code parley party CONFIG}: several personas in one room at once. */
@Command(
    name = "party",
    mixinStandardHelpOptions = true,
    description = "Starts every persona of a party file (YAML or JSON) in one room.")
public final class PartyCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(PartyCommand.class);

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "CONFIG",
      description = "The party file (.yaml, .yml or .json).")
  Path config;

  @Override
  public Integer call() throws Exception {
    List<AgentConfig> agents;
    try {
      agents = PartyConfig.read(config).agents(config.toAbsolutePath().getParent());
    } catch (IllegalArgumentException | java.io.IOException e) {
      throw new ParameterException(spec.commandLine(), config + ": " + e.getMessage());
    }
    List<PersonaRunner> runners = new java.util.concurrent.CopyOnWriteArrayList<>();
    // Every persona that joined is logged out on every way out: a later one failing to join, the
    // end of the run, or a signal (the hook).
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () ->
                    runners.forEach(
                        r -> {
                          r.stop();
                          r.close();
                        }),
                "parley-party-stop"));
    try {
      for (AgentConfig agent : agents) {
        runners.add(agent.connect(null));
      }
      return run(agents, runners);
    } finally {
      runners.forEach(PersonaRunner::close);
    }
  }

  private static int run(List<AgentConfig> agents, List<PersonaRunner> runners)
      throws InterruptedException {
    int failed = 0;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> running = new ArrayList<>();
      for (PersonaRunner runner : runners) {
        running.add(
            pool.submit(
                () -> {
                  // A persona that stops frees its name at once, not when the party ends.
                  try (runner) {
                    runner.run();
                  }
                  return null;
                }));
      }
      for (int i = 0; i < running.size(); i++) {
        try {
          running.get(i).get();
        } catch (java.util.concurrent.ExecutionException e) {
          failed++;
          LOG.error("{} stopped: {}", agents.get(i).name(), e.getCause().getMessage());
        }
      }
    }
    return failed == 0 ? 0 : 1;
  }
}
