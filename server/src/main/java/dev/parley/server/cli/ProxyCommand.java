package dev.parley.server.cli;

import dev.parley.server.conformance.SpecProxy;
import java.io.PrintWriter;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code parley proxy}: sits between a client under development and a server, checks every call
 * against the spec and reports each violation on stderr and at {@code GET /violations}.
 */
@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    description =
        "Forwards POST /rpc to a server, validating every request and response against the spec;"
            + " reports each violation (call, JSON pointer, rule) on stderr and at GET /violations.")
public final class ProxyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--listen",
      required = true,
      paramLabel = "PORT",
      description = "The port to listen on; 0 picks a free one.")
  int port;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "The address to listen on (default ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--server",
      required = true,
      paramLabel = "URL",
      description = "The server's base URL, such as http://127.0.0.1:8890.")
  URI server;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    try (SpecProxy proxy = new SpecProxy(host, port, server, err)) {
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          "parley proxy: "
              + proxy.uri()
              + "/rpc forwards to "
              + server.resolve("/rpc")
              + "; violations on stderr and at "
              + proxy.uri()
              + "/violations");
      out.flush();
      proxy.join();
    }
    return 0;
  }
}
