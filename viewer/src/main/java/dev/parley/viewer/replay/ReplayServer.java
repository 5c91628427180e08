package dev.parley.viewer.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.extension.Origins;
import dev.parley.viewer.frames.FrameStream;
import dev.parley.viewer.frames.MalformedLineException;
import dev.parley.viewer.observe.ObserverHub;
import dev.parley.viewer.observe.ViewerRoutes;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code parley replay}'s server: the viewer page and the observer socket, fed by a log played back
 * with its timing instead of by live rooms. The frames are made exactly as the daemon makes them.
 */
public final class ReplayServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReplayServer.class);

  private final Server jetty;
  private final ServerConnector connector;
  private final FrameStream frames = new FrameStream();
  private final ObserverHub hub;
  private final LogReplay replay;
  private final Sleeper sleeper;

  /**
   * @param host the address to listen on
   * @param port the port; 0 picks a free one
   * @param log the JSONL log to play
   * @param slowdown the factor applied to the log's gaps
   * @param sleeper how to wait between lines
   */
  public ReplayServer(String host, int port, Path log, double slowdown, Sleeper sleeper) {
    this.sleeper = sleeper;
    this.replay = new LogReplay(log, slowdown, sleeper, this::play);
    this.hub =
        new ObserverHub(
            "replay",
            frames::welcome,
            control -> {
              double factor = control.path("slowdown").asDouble(0);
              if (factor > 0) {
                replay.slowdown(factor);
                LOG.info("Slowdown set to {} by a viewer", factor);
              }
            });
    jetty = new Server();
    connector = new ServerConnector(jetty);
    connector.setHost(host);
    connector.setPort(port);
    jetty.addConnector(connector);
    jetty.setHandler(
        Origins.of(host, List.of()).guard(ViewerRoutes.observe(jetty, hub, ViewerRoutes.page())));
  }

  /** Starts serving the page and the socket. */
  public ReplayServer start() throws Exception {
    jetty.start();
    return this;
  }

  /** The address of the page. */
  public URI uri() {
    return URI.create("http://" + connector.getHost() + ":" + connector.getLocalPort() + "/");
  }

  /** The observers, for the command's messages and for tests. */
  public ObserverHub hub() {
    return hub;
  }

  /**
   * Plays the log, once or over and over with {@code pause} between loops, until interrupted.
   *
   * @return the lines played in the last loop
   */
  public int play(boolean loop, Duration pause) throws IOException, InterruptedException {
    return play(loop, pause, false);
  }

  /**
   * As {@link #play(boolean, Duration)}, first waiting, when {@code waitForViewer}, until a viewer
   * is connected, so that it sees the log from its first line.
   */
  public int play(boolean loop, Duration pause, boolean waitForViewer)
      throws IOException, InterruptedException {
    if (waitForViewer && hub.size() == 0) {
      LOG.info("Waiting for a viewer before playing");
      hub.awaitObserver();
    }
    int played;
    do {
      frames.reset();
      hub.forget(null);
      played = replay.playOnce();
      LOG.info(
          "Played {} lines to {} viewers{}", played, hub.size(), loop ? "; starting over" : "");
      if (loop) {
        sleeper.sleep(pause);
      }
    } while (loop && !Thread.currentThread().isInterrupted());
    return played;
  }

  private void play(JsonNode line) {
    try {
      for (ObjectNode frame : frames.frames(line)) {
        hub.publish(frame);
      }
    } catch (MalformedLineException e) {
      LOG.warn("Skipped a line: {}", e.getMessage());
    }
  }

  @Override
  public void close() throws Exception {
    jetty.stop();
  }
}
