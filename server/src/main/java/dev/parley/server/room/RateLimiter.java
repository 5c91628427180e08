package dev.parley.server.room;

/**
 * A token bucket: {@code perSecond} calls a second on average, {@code burst} at once. An agent
 * never gets near the defaults; a runaway loop does.
 */
final class RateLimiter {
  private final double perNano;
  private final double burst;
  private double tokens;
  private long last;

  RateLimiter(int perSecond, int burst, long now) {
    this.perNano = perSecond / 1e9;
    this.burst = Math.max(burst, 1);
    this.tokens = this.burst;
    this.last = now;
  }

  /** Takes one call's token: 0 when allowed, else the milliseconds until one is free. */
  synchronized long acquire(long now) {
    if (perNano == 0) {
      return 0;
    }
    tokens = Math.min(burst, tokens + (now - last) * perNano);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1 - tokens) / perNano / 1e6));
  }
}
