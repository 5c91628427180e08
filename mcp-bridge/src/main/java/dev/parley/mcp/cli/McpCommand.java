package dev.parley.mcp.cli;

import dev.parley.client.AccessKey;
import dev.parley.mcp.BridgeOptions;
import dev.parley.mcp.stdio.StdioBridge;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code parley mcp}: the MCP bridge on standard input and output, for MCP clients (Claude Desktop,
 * Claude Code, Cursor, ...) that start their servers as processes. Logs go to standard error only;
 * it ends when its standard input closes.
 */
@Command(
    name = "mcp",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs the MCP bridge on standard input and output: every protocol method is an MCP tool.",
      "Ends when standard input closes. Logs go to standard error."
    })
public final class McpCommand implements Callable<Integer> {

  @Option(
      names = "--server",
      defaultValue = "${env:PARLEY_URL:-http://127.0.0.1:8890}",
      description = "The daemon to talk to (PARLEY_URL, default ${DEFAULT-VALUE}).")
  URI server;

  @Option(
      names = "--check-cap-ms",
      defaultValue = "${env:PARLEY_MCP_CHECK_CAP_MS:-50000}",
      description =
          "Longest wait of a check through MCP, under clients' call timeouts (PARLEY_MCP_CHECK_CAP_MS,"
              + " default ${DEFAULT-VALUE}).")
  long checkCapMs;

  @Option(
      names = "--progress-ms",
      defaultValue = "${env:PARLEY_MCP_PROGRESS_MS:-5000}",
      description =
          "Interval of progress notifications during a long call, when the client asks for them"
              + " (PARLEY_MCP_PROGRESS_MS, default ${DEFAULT-VALUE}).")
  long progressMs;

  @Option(
      names = "--key-file",
      defaultValue = "${env:PARLEY_KEY_FILE}",
      paramLabel = "PATH",
      description =
          "A file holding the access key of a daemon with access control; or set PARLEY_KEY. The login"
              + " tool then uses it, so the model never sees it (PARLEY_KEY_FILE).")
  Path keyFile;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (checkCapMs <= 0 || progressMs <= 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--check-cap-ms and --progress-ms must be positive");
    }
    if (server.getScheme() == null || server.getHost() == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--server: not an http address: " + server);
    }
    StdioBridge.run(
        new BridgeOptions(
            server, Duration.ofMillis(checkCapMs), Duration.ofMillis(progressMs), key()));
    return 0;
  }

  /**
   * The access key: from --key-file, else PARLEY_KEY; never an argument, which others could read.
   */
  private String key() {
    try {
      return AccessKey.find(keyFile);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /**
   * Runs {@code parley mcp} on its own, as the tests start it. Like {@code parley}, it ends the
   * process only on failure: after a clean run the JVM ends because nothing is left running.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    int code = new CommandLine(new McpCommand()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }
}
