package dev.parley.server.testing;

import dev.parley.api.RoomOptions;
import dev.parley.server.ParleyServer;
import dev.parley.server.ServerConfig;
import dev.parley.server.ServerLimits;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real daemon on an ephemeral loopback port, for one test class or one test. By default it keeps
 * its data as the daemon does, in SQLite, in a fresh directory deleted on close.
 */
public final class RunningServer implements AutoCloseable {
  private final ParleyServer server;
  private final Path ownDataDir;

  private RunningServer(ServerConfig config, Path ownDataDir) throws Exception {
    this.ownDataDir = ownDataDir;
    this.server = new ParleyServer(config).start();
  }

  /** Starts a daemon with the default limits. */
  public static RunningServer start() throws Exception {
    return start(ServerConfig.ephemeral());
  }

  /**
   * The daemon's room defaults without the loop guard: for tests whose conversations are agents'
   * alone and longer than {@code max_agent_run} lets them be, about rules other than the guard.
   */
  public static final RoomOptions AGENTS_ONLY =
      new RoomOptions(
          ServerConfig.DEFAULT_ROOM_OPTIONS.humanFirst(),
          ServerConfig.DEFAULT_ROOM_OPTIONS.mentionWakesPerMinute(),
          0);

  /**
   * Starts a daemon with the default limits whose rooms have no loop guard ({@link #AGENTS_ONLY}).
   */
  public static RunningServer agentsOnly() throws Exception {
    return start(ServerConfig.ephemeral().withRoomDefaults(AGENTS_ONLY));
  }

  /** Starts a daemon with {@code limits}. */
  public static RunningServer start(ServerLimits limits) throws Exception {
    return start(ServerConfig.ephemeral().withLimits(limits));
  }

  /** Starts a daemon with {@code config}, in a fresh data directory unless it names one. */
  public static RunningServer start(ServerConfig config) throws Exception {
    if (config.dataDir() != null) {
      return new RunningServer(config, null);
    }
    Path dir = Files.createTempDirectory("parley-test-");
    return new RunningServer(config.withDataDir(dir), dir);
  }

  /** Starts a daemon that keeps everything in memory. */
  public static RunningServer inMemory(ServerConfig config) throws Exception {
    return new RunningServer(config.withDataDir(null), null);
  }

  /** The base address. */
  public URI uri() {
    return server.uri();
  }

  /** A client without a session. */
  public RpcClient client() {
    return new RpcClient(uri().resolve("/rpc"), null);
  }

  /** Logs {@code username} into {@code room} and returns its client. */
  public RpcClient login(String username, String room) {
    return client().login(username, room);
  }

  /** Logs {@code username} into the lobby. */
  public RpcClient login(String username) {
    return login(username, "lobby");
  }

  private boolean closed;

  /** Stops the daemon and removes its own data directory; a second call does nothing. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    server.close();
    if (ownDataDir != null) {
      try (Stream<Path> paths = Files.walk(ownDataDir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
