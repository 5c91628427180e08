package dev.parley.viewer.replay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code parley replay}: serves the viewer and plays a recorded conversation into it. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Serves the viewer and streams a JSONL conversation log into it with its original timing.")
public final class ReplayCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ReplayCommand.class);

  @Spec CommandSpec spec;

  @Option(
      names = "--log-file",
      required = true,
      description = "The JSONL log: a plain tagged log or a daemon's DIR/logs/<room>.jsonl.")
  Path logFile;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address to listen on (default ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "Port to listen on (default ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--slowdown",
      defaultValue = "1.1",
      description =
          "Factor applied to the log's gaps: 2 is half speed, 0.5 double (default ${DEFAULT-VALUE}).")
  double slowdown;

  @Option(
      names = "--no-loop",
      description = "Play the log once, then exit (default: loop with a pause).")
  boolean noLoop;

  @Option(
      names = "--wait-for-viewer",
      negatable = true,
      description =
          "Start playing only once a viewer is connected (default: with --no-loop, so that the"
              + " single play is not missed).")
  Boolean waitForViewer;

  @Option(
      names = "--loop-pause-ms",
      defaultValue = "3000",
      description = "Pause between loops (default ${DEFAULT-VALUE}).")
  long loopPauseMs;

  @Override
  public Integer call() throws Exception {
    if (!Files.isReadable(logFile)) {
      throw new ParameterException(spec.commandLine(), "cannot read " + logFile.toAbsolutePath());
    }
    if (!(slowdown > 0)) {
      throw new ParameterException(spec.commandLine(), "--slowdown must be positive");
    }
    try (ReplayServer server =
        new ReplayServer(host, port, logFile, slowdown, Sleeper.REAL).start()) {
      LOG.info(
          "Replaying {} at {} (slowdown {}{})",
          logFile,
          server.uri(),
          slowdown,
          noLoop ? ", once" : ", looping");
      boolean waiting = waitForViewer != null ? waitForViewer : noLoop;
      spec.commandLine()
          .getOut()
          .println(
              "Open "
                  + server.uri()
                  + " to watch the replay"
                  + (waiting ? "; it starts when a viewer connects." : "."));
      spec.commandLine().getOut().flush();
      server.play(!noLoop, Duration.ofMillis(loopPauseMs), waiting);
    }
    return 0;
  }
}
