package dev.parley.server.room;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.parley.api.RateLimitedException;
import java.time.Duration;

/**
 * The door rule: calls that reach no live session ({@code login}, {@code rooms}, and calls with a
 * missing, unknown or ended token) are limited per client address by a token bucket of {@code
 * perSecond} calls a second and {@code burst} at once. A session's own calls are limited by its
 * {@link RateLimiter}; without this rule, logging in again would escape that limit and a single
 * address could create sessions without end.
 *
 * <p>The table of addresses is bounded: at most {@link #MAX_ADDRESSES} are remembered (an entry is
 * an address string and a bucket, about 200 bytes, so the table stays below 20 MiB), and an address
 * is forgotten once its bucket would be full again, since a new bucket is then the same.
 */
final class DoorThrottle {
  /** Addresses remembered at most; past it the least valuable entries are evicted. */
  static final int MAX_ADDRESSES = 65_536;

  private final int perSecond;
  private final int burst;
  private final Ticker ticker;
  private final Cache<String, RateLimiter> buckets;

  /**
   * @param perSecond calls per second per address on average; 0 turns the rule off
   * @param burst calls an address may make at once
   * @param ticker the engine's monotonic clock, which also times when idle addresses are forgotten
   * @param maxAddresses most addresses remembered
   */
  DoorThrottle(int perSecond, int burst, Ticker ticker, int maxAddresses) {
    this.perSecond = perSecond;
    this.burst = Math.max(burst, 1);
    this.ticker = ticker;
    this.buckets =
        Caffeine.newBuilder()
            .maximumSize(maxAddresses)
            .expireAfterAccess(refill(perSecond, this.burst))
            .ticker(ticker::nanos)
            // Evicts on the calling thread: the bound holds at once, with no pool thread of its
            // own.
            .executor(Runnable::run)
            .build();
  }

  /** How long an empty bucket takes to fill again: an address idle this long is as good as new. */
  private static Duration refill(int perSecond, int burst) {
    return perSecond == 0
        ? Duration.ofSeconds(1)
        : Duration.ofMillis(Math.max(1000, 1000L * burst / perSecond));
  }

  /**
   * Takes one call's token from {@code address}'s bucket.
   *
   * @param address the client address; null (a call from inside the process) is not limited
   * @throws RateLimitedException (40003) with {@code retry_after_ms} when the bucket is empty
   */
  void admit(String address) {
    if (perSecond == 0 || address == null) {
      return;
    }
    long now = ticker.nanos();
    long retryAfter =
        buckets.get(address, a -> new RateLimiter(perSecond, burst, now)).acquire(now);
    if (retryAfter > 0) {
      throw new RateLimitedException(retryAfter, RateLimitedException.Reason.DOOR);
    }
  }

  /** Addresses remembered now, for tests of the bound. */
  long addresses() {
    buckets.cleanUp();
    return buckets.estimatedSize();
  }
}
