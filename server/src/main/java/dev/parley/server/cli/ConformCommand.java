package dev.parley.server.cli;

import dev.parley.server.conformance.ConformanceRunner;
import dev.parley.server.conformance.ConformanceRunner.ScenarioResult;
import dev.parley.server.conformance.ConformanceVectors;
import dev.parley.server.conformance.Scenario;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code parley conform}: runs the conformance vectors of {@code spec/conformance} against a server
 * and prints a pass/fail table, one row per scenario with its first failure; exits 1 when any
 * scenario fails.
 */
@Command(
    name = "conform",
    mixinStandardHelpOptions = true,
    description =
        "Runs the conformance vectors (spec/conformance) against a server and prints a pass/fail"
            + " table; exits 1 if any scenario fails.")
public final class ConformCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--server",
      required = true,
      paramLabel = "URL",
      description =
          "The server's base URL, such as http://127.0.0.1:8890 (its POST /rpc is called).")
  URI server;

  @Option(
      names = "--vectors",
      paramLabel = "DIR",
      description = "Run the *.json vectors of this directory instead of the packaged ones.")
  Path vectors;

  @Override
  public Integer call() throws IOException {
    List<Scenario> scenarios =
        vectors == null ? ConformanceVectors.packaged() : ConformanceVectors.in(vectors);
    ConformanceRunner runner = new ConformanceRunner(server);
    PrintWriter out = spec.commandLine().getOut();
    int width = "SCENARIO".length();
    for (Scenario s : scenarios) {
      width = Math.max(width, s.name().length());
    }
    String row = "%-" + width + "s  %-6s  %5s  %s%n";
    out.printf(row, "SCENARIO", "RESULT", "STEPS", "FIRST FAILURE");
    out.flush();
    List<ScenarioResult> failed = new ArrayList<>();
    for (Scenario scenario : scenarios) {
      ScenarioResult result = runner.run(scenario);
      if (!result.ok()) {
        failed.add(result);
      }
      out.printf(
          row,
          result.scenario(),
          result.ok() ? "pass" : "FAIL",
          result.passed() + "/" + result.steps(),
          result.ok() ? "" : result.failure());
      out.flush();
    }
    out.printf(
        "%d scenarios against %s: %d passed, %d failed%n",
        scenarios.size(), server, scenarios.size() - failed.size(), failed.size());
    out.flush();
    return failed.isEmpty() ? 0 : 1;
  }
}
