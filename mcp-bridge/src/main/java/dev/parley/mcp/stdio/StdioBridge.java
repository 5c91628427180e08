package dev.parley.mcp.stdio;

import dev.parley.mcp.BridgeOptions;
import dev.parley.mcp.McpBridge;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge on standard input and output, for an MCP client that starts it as a process. It runs
 * until its input ends (the client closed the pipe or went away), answers what it had read, logs
 * its Parley session out and returns. Every line read is answered, through the SDK or, when the SDK
 * would fail on it, by the {@link StdioGuard}.
 */
public final class StdioBridge {
  private static final Logger LOG = LoggerFactory.getLogger(StdioBridge.class);

  /** What an answer may take beyond the longest check: a push, a slow daemon. */
  private static final Duration ANSWER_MARGIN = Duration.ofSeconds(30);

  private StdioBridge() {}

  /**
   * Serves MCP on this process's standard input and output until the input ends. Standard output
   * carries only MCP messages: anything else printed to it goes to standard error.
   *
   * @param options the daemon and how to bridge it
   */
  public static void run(BridgeOptions options) throws InterruptedException {
    PrintStream stdout = System.out;
    InputStream stdin = System.in;
    System.setOut(System.err);
    run(options, stdin, stdout);
  }

  /**
   * Serves MCP on {@code in} and {@code out} until {@code in} ends.
   *
   * @param options the daemon and how to bridge it
   * @param in where MCP requests arrive
   * @param out where answers go
   */
  public static void run(BridgeOptions options, InputStream in, PrintStream out)
      throws InterruptedException {
    StdioGuard guard = new StdioGuard(options.checkCap().plus(ANSWER_MARGIN));
    McpBridge bridge = new McpBridge(options);
    Thread onSignal = new Thread(bridge::close, "parley-mcp-shutdown");
    Runtime.getRuntime().addShutdownHook(onSignal);
    McpAsyncServer server =
        bridge.serve(
            new StdioServerTransportProvider(
                McpBridge.jsonMapper(), guard.input(), guard.output(out)));
    guard.start(in);
    LOG.info("MCP bridge to {} on standard input and output", options.server());
    guard.awaitEnd();
    LOG.info("Standard input ended: stopping");
    try {
      server.closeGracefully().block(Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      LOG.debug("Closing the MCP server: {}", e.toString());
    }
    bridge.close();
    out.flush();
    try {
      Runtime.getRuntime().removeShutdownHook(onSignal);
    } catch (IllegalStateException alreadyShuttingDown) {
      // The hook runs (or ran) anyway; closing twice is harmless.
    }
  }
}
