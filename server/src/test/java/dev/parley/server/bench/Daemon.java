package dev.parley.server.bench;

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
 * A Parley daemon in this JVM, built only through its public API: in memory, or on SQLite in a
 * fresh directory that is deleted on close. No rate limit: the harness is a runaway loop on
 * purpose.
 */
final class Daemon implements AutoCloseable {
  private final ParleyServer server;
  private final Path dir;
  private final String store;

  private Daemon(String store, Path dir) throws Exception {
    this.store = store;
    this.dir = dir;
    this.server =
        new ParleyServer(
                ServerConfig.ephemeral()
                    .withLimits(limits())
                    .withDataDir(dir)
                    .withRoomDefaults(ROOMS))
            .start();
  }

  /**
   * The daemon's room options, but a loop guard so high that agents pushing without a person never
   * reach it: every push is counted, as in a guarded room, and none is refused.
   */
  static final RoomOptions ROOMS =
      new RoomOptions(
          ServerConfig.DEFAULT_ROOM_OPTIONS.humanFirst(),
          ServerConfig.DEFAULT_ROOM_OPTIONS.mentionWakesPerMinute(),
          1_000_000);

  /**
   * The limits of every benchmark run: the defaults without a rate limit, per session or per
   * address.
   */
  static ServerLimits limits() {
    return ServerLimits.defaults().withRate(0, ServerLimits.defaults().rateBurst()).withDoor(0, 1);
  }

  /**
   * Starts a daemon.
   *
   * @param store {@code memory} or {@code sqlite}
   */
  static Daemon start(String store) throws Exception {
    return switch (store) {
      case "memory" -> new Daemon(store, null);
      case "sqlite" -> new Daemon(store, Files.createTempDirectory("parley-bench-"));
      default ->
          throw new IllegalArgumentException("unknown store " + store + " (memory or sqlite)");
    };
  }

  URI uri() {
    return server.uri();
  }

  String store() {
    return store;
  }

  @Override
  public void close() throws IOException {
    server.close();
    delete(dir);
  }

  static void delete(Path dir) throws IOException {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
