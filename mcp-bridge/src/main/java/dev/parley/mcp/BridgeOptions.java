package dev.parley.mcp;

import java.net.URI;
import java.time.Duration;

/**
 * How a bridge runs.
 *
 * @param server the daemon, such as {@code http://127.0.0.1:8890}
 * @param checkCap the longest wait of a {@code check} through MCP: MCP clients abort a call that
 *     stays silent too long (60 s is a common default), so a longer {@code timeout_ms} is cut
 * @param progressEvery how often a call that is still running sends an MCP progress notification,
 *     when the client asked for progress
 * @param key the access key the {@code login} tool uses when its call gives none (stdio's {@code
 *     PARLEY_KEY}), or null; over HTTP the bearer of each request is used instead
 */
public record BridgeOptions(URI server, Duration checkCap, Duration progressEvery, String key) {
  /** The default cap of a {@code check}: under the common 60 s client timeout. */
  public static final Duration DEFAULT_CHECK_CAP = Duration.ofSeconds(50);

  /** The default interval of progress notifications. */
  public static final Duration DEFAULT_PROGRESS_EVERY = Duration.ofSeconds(5);

  /** Options without an access key. */
  public BridgeOptions(URI server, Duration checkCap, Duration progressEvery) {
    this(server, checkCap, progressEvery, null);
  }

  /** Validates the options. */
  public BridgeOptions {
    if (server == null) {
      throw new IllegalArgumentException("the daemon's address is required");
    }
    if (checkCap.isNegative() || checkCap.isZero()) {
      throw new IllegalArgumentException("the check cap must be positive");
    }
    if (progressEvery.isNegative() || progressEvery.isZero()) {
      throw new IllegalArgumentException("the progress interval must be positive");
    }
  }

  /**
   * The options of the daemon's own {@code /mcp}: the defaults, or {@code PARLEY_MCP_CHECK_CAP_MS}
   * and {@code PARLEY_MCP_PROGRESS_MS} from {@code env} (the same variables as {@code parley mcp}).
   */
  public static BridgeOptions fromEnvironment(URI server, java.util.Map<String, String> env) {
    return new BridgeOptions(
        server,
        millis(env, "PARLEY_MCP_CHECK_CAP_MS", DEFAULT_CHECK_CAP),
        millis(env, "PARLEY_MCP_PROGRESS_MS", DEFAULT_PROGRESS_EVERY));
  }

  private static Duration millis(
      java.util.Map<String, String> env, String name, Duration fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Duration.ofMillis(Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " is not a number of milliseconds: " + value, e);
    }
  }

  /** The defaults for the daemon at {@code server}. */
  public static BridgeOptions of(URI server) {
    return new BridgeOptions(server, DEFAULT_CHECK_CAP, DEFAULT_PROGRESS_EVERY);
  }
}
