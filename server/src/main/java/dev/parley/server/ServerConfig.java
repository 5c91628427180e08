package dev.parley.server;

import dev.parley.api.FloorPolicy;
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
 */
public record ServerConfig(String host, int port, ServerLimits limits, FloorPolicy defaultFloor,
    Map<String, FloorPolicy> rooms, Duration shutdownGrace) {

  /** The grace a daemon gives calls in flight when it stops. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(5);

  /** Loopback, a free port, the default limits, no shutdown grace: for tests and embedding. */
  public static ServerConfig ephemeral() {
    return new ServerConfig("127.0.0.1", 0, ServerLimits.defaults(), FloorPolicy.OPEN, Map.of(), Duration.ZERO);
  }

  /** The same configuration with other limits. */
  public ServerConfig withLimits(ServerLimits newLimits) {
    return new ServerConfig(host, port, newLimits, defaultFloor, rooms, shutdownGrace);
  }
}
