package dev.parley.server;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * What one HTTP connection may cost the daemon, so that slow or idle clients cannot exhaust it.
 *
 * @param maxConnections connections served at once; more wait in the kernel's accept queue until
 *     one closes
 * @param readTimeout a request must arrive whole (its headers and its body) within this time of its
 *     first byte, or its connection is closed
 * @param idleTimeout a connection with no request in progress is closed after this much silence
 * @param socketPing how often each socket of {@code /rpc/ws} is pinged; one silent (not even a
 *     pong) for three of these is cut off, its session left to live its TTL
 */
public record ConnectionLimits(
    int maxConnections, Duration readTimeout, Duration idleTimeout, Duration socketPing) {
  /** How often, by default, each socket of {@code /rpc/ws} is pinged. */
  public static final Duration SOCKET_PING = Duration.ofSeconds(20);

  /** File descriptors kept for the database, the logs and the daemon's own outgoing connections. */
  private static final int RESERVED_DESCRIPTORS = 1024;

  /** Without a known descriptor limit. */
  private static final int FALLBACK_MAX_CONNECTIONS = 10_000;

  public ConnectionLimits {
    if (maxConnections <= 0
        || readTimeout.isNegative()
        || readTimeout.isZero()
        || idleTimeout.isNegative()
        || idleTimeout.isZero()
        || socketPing.isNegative()
        || socketPing.isZero()) {
      throw new IllegalArgumentException("connection limits must be positive");
    }
  }

  /** Limits with the default socket ping. */
  public ConnectionLimits(int maxConnections, Duration readTimeout, Duration idleTimeout) {
    this(maxConnections, readTimeout, idleTimeout, SOCKET_PING);
  }

  /**
   * The defaults: connections up to the open-file limit less a reserve, 10 s to send a request, 60
   * s idle.
   */
  public static ConnectionLimits defaults() {
    return new ConnectionLimits(
        defaultMaxConnections(), Duration.ofSeconds(10), Duration.ofSeconds(60));
  }

  /**
   * The process's open-file limit less {@value #RESERVED_DESCRIPTORS} descriptors (at least half of
   * the limit): past it, accepting one more connection would fail for want of a descriptor, and
   * with it every file the daemon opens.
   */
  public static int defaultMaxConnections() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
      long limit = Math.min(Integer.MAX_VALUE, unix.getMaxFileDescriptorCount());
      return (int) Math.max(limit / 2, limit - RESERVED_DESCRIPTORS);
    }
    return FALLBACK_MAX_CONNECTIONS;
  }

  /** The same limits with another number of connections. */
  public ConnectionLimits withMaxConnections(int max) {
    return new ConnectionLimits(max, readTimeout, idleTimeout, socketPing);
  }

  /** The same limits with other timeouts. */
  public ConnectionLimits withTimeouts(Duration read, Duration idle) {
    return new ConnectionLimits(maxConnections, read, idle, socketPing);
  }

  /** The same limits with another socket ping interval. */
  public ConnectionLimits withSocketPing(Duration every) {
    return new ConnectionLimits(maxConnections, readTimeout, idleTimeout, every);
  }
}
