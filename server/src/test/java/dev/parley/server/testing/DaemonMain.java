package dev.parley.server.testing;

import dev.parley.server.cli.ServeCommand;
import picocli.CommandLine;

/** {@code parley serve} alone, for tests that run the daemon in a child JVM. */
public final class DaemonMain {
  private DaemonMain() {}

  /**
   * Runs {@code serve} with {@code args}.
   *
   * @param args the options of {@code parley serve}
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new ServeCommand()).execute(args));
  }
}
