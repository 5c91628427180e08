package dev.parley.server;

import dev.parley.api.FloorPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How a daemon runs.
 *
 * @param host the address to listen on
 * @param port the port to listen on; 0 picks a free one
 * @param limits the limits to enforce
 * @param defaultFloor the floor policy of rooms created without one
 * @param rooms rooms to create at start, with their floor policy
 * @param shutdownGrace how long stopping waits for calls in flight to finish
 * @param dataDir where the database and the conversation logs live; null keeps everything
 *     in memory
 */
public record ServerConfig(String host, int port, ServerLimits limits, FloorPolicy defaultFloor,
    Map<String, FloorPolicy> rooms, Duration shutdownGrace, Path dataDir) {

  /** The grace a daemon gives calls in flight when it stops. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(5);

  /** Loopback, a free port, the default limits, in memory, no shutdown grace: for tests and embedding. */
  public static ServerConfig ephemeral() {
    return new ServerConfig("127.0.0.1", 0, ServerLimits.defaults(), FloorPolicy.OPEN, Map.of(), Duration.ZERO, null);
  }

  /** The same configuration with other limits. */
  public ServerConfig withLimits(ServerLimits newLimits) {
    return new ServerConfig(host, port, newLimits, defaultFloor, rooms, shutdownGrace, dataDir);
  }

  /** The same configuration keeping its data in {@code dir} (null: in memory). */
  public ServerConfig withDataDir(Path dir) {
    return new ServerConfig(host, port, limits, defaultFloor, rooms, shutdownGrace, dir);
  }

  /** The same configuration on another port. */
  public ServerConfig withPort(int newPort) {
    return new ServerConfig(host, newPort, limits, defaultFloor, rooms, shutdownGrace, dataDir);
  }
}
