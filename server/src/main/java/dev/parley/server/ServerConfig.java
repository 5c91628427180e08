package dev.parley.server;

import dev.parley.api.FloorPolicy;
import dev.parley.api.RoomOptions;
import dev.parley.server.store.PostgresDatabase;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
 * @param dataDir where the database and the conversation logs live; null keeps everything in memory
 *     (with a {@code database}, it holds the conversation logs only; null: no logs)
 * @param allowedHosts names by which browsers may reach the daemon besides the loopback names and
 *     {@code host} (see {@code Origins})
 * @param connections the limits on HTTP connections
 * @param memory what the daemon keeps in memory for speed
 * @param database the PostgreSQL database that holds the data in place of the data directory's
 *     SQLite database, or null
 * @param nodeUrl with a {@code database}: the address other daemons on it reach this one at, to
 *     send it the calls of the rooms it serves; null: {@code http://HOST:PORT} as listened on
 * @param roomDefaults the options of a room whose creating login gives none, each filled in
 */
public record ServerConfig(
    String host,
    int port,
    ServerLimits limits,
    FloorPolicy defaultFloor,
    Map<String, FloorPolicy> rooms,
    Duration shutdownGrace,
    Path dataDir,
    List<String> allowedHosts,
    ConnectionLimits connections,
    MemoryLimits memory,
    PostgresDatabase database,
    URI nodeUrl,
    RoomOptions roomDefaults) {

  /**
   * The options of rooms created without any, unless configured otherwise: human first, a wake
   * budget of 60 mentions of agents a minute for each participant, and a loop guard of 8 agent
   * messages in a row.
   */
  public static final RoomOptions DEFAULT_ROOM_OPTIONS = new RoomOptions(true, 60, 8);

  /** The grace a daemon gives calls in flight when it stops. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(5);

  public ServerConfig {
    allowedHosts = List.copyOf(allowedHosts);
  }

  /** A configuration whose data lives in the data directory (or in memory), not in PostgreSQL. */
  public ServerConfig(
      String host,
      int port,
      ServerLimits limits,
      FloorPolicy defaultFloor,
      Map<String, FloorPolicy> rooms,
      Duration shutdownGrace,
      Path dataDir,
      List<String> allowedHosts,
      ConnectionLimits connections,
      MemoryLimits memory) {
    this(
        host,
        port,
        limits,
        defaultFloor,
        rooms,
        shutdownGrace,
        dataDir,
        allowedHosts,
        connections,
        memory,
        null,
        null,
        DEFAULT_ROOM_OPTIONS);
  }

  /** A configuration with no extra host names and the default connection limits. */
  public ServerConfig(
      String host,
      int port,
      ServerLimits limits,
      FloorPolicy defaultFloor,
      Map<String, FloorPolicy> rooms,
      Duration shutdownGrace,
      Path dataDir) {
    this(
        host,
        port,
        limits,
        defaultFloor,
        rooms,
        shutdownGrace,
        dataDir,
        List.of(),
        ConnectionLimits.defaults(),
        MemoryLimits.defaults());
  }

  /**
   * Loopback, a free port, the default limits, in memory, no shutdown grace: for tests and
   * embedding.
   */
  public static ServerConfig ephemeral() {
    return new ServerConfig(
        "127.0.0.1", 0, ServerLimits.defaults(), FloorPolicy.OPEN, Map.of(), Duration.ZERO, null);
  }

  /** The same configuration with other limits. */
  public ServerConfig withLimits(ServerLimits newLimits) {
    return new ServerConfig(
        host,
        port,
        newLimits,
        defaultFloor,
        rooms,
        shutdownGrace,
        dataDir,
        allowedHosts,
        connections,
        memory,
        database,
        nodeUrl,
        roomDefaults);
  }

  /** The same configuration keeping its data in {@code dir} (null: in memory). */
  public ServerConfig withDataDir(Path dir) {
    return new ServerConfig(
        host,
        port,
        limits,
        defaultFloor,
        rooms,
        shutdownGrace,
        dir,
        allowedHosts,
        connections,
        memory,
        database,
        nodeUrl,
        roomDefaults);
  }

  /** The same configuration on another port. */
  public ServerConfig withPort(int newPort) {
    return new ServerConfig(
        host,
        newPort,
        limits,
        defaultFloor,
        rooms,
        shutdownGrace,
        dataDir,
        allowedHosts,
        connections,
        memory,
        database,
        nodeUrl,
        roomDefaults);
  }

  /** The same configuration letting browsers reach it by {@code names} too. */
  public ServerConfig withAllowedHosts(List<String> names) {
    return new ServerConfig(
        host,
        port,
        limits,
        defaultFloor,
        rooms,
        shutdownGrace,
        dataDir,
        names,
        connections,
        memory,
        database,
        nodeUrl,
        roomDefaults);
  }

  /** The same configuration with other connection limits. */
  public ServerConfig withConnections(ConnectionLimits newConnections) {
    return new ServerConfig(
        host,
        port,
        limits,
        defaultFloor,
        rooms,
        shutdownGrace,
        dataDir,
        allowedHosts,
        newConnections,
        memory,
        database,
        nodeUrl,
        roomDefaults);
  }

  /** The same configuration with other memory limits. */
  public ServerConfig withMemory(MemoryLimits newMemory) {
    return new ServerConfig(
        host,
        port,
        limits,
        defaultFloor,
        rooms,
        shutdownGrace,
        dataDir,
        allowedHosts,
        connections,
        newMemory,
        database,
        nodeUrl,
        roomDefaults);
  }

  /**
   * The same configuration keeping its data in the PostgreSQL database {@code db} (null: in the
   * data directory, or in memory).
   */
  public ServerConfig withDatabase(PostgresDatabase db) {
    return new ServerConfig(
        host,
        port,
        limits,
        defaultFloor,
        rooms,
        shutdownGrace,
        dataDir,
        allowedHosts,
        connections,
        memory,
        db,
        nodeUrl,
        roomDefaults);
  }

  /** The same configuration with another address for other daemons to reach this one at. */
  public ServerConfig withNodeUrl(URI url) {
    return new ServerConfig(
        host,
        port,
        limits,
        defaultFloor,
        rooms,
        shutdownGrace,
        dataDir,
        allowedHosts,
        connections,
        memory,
        database,
        url,
        roomDefaults);
  }

  /** The same configuration with other options for rooms created without any. */
  public ServerConfig withRoomDefaults(RoomOptions options) {
    return new ServerConfig(
        host,
        port,
        limits,
        defaultFloor,
        rooms,
        shutdownGrace,
        dataDir,
        allowedHosts,
        connections,
        memory,
        database,
        nodeUrl,
        options);
  }
}
