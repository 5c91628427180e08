package dev.parley.server.room;

import dev.parley.api.RoomOptions;
import java.util.concurrent.TimeUnit;

/**
 * The room option {@code mention_wakes_per_minute}: how many agents one participant's messages may
 * name as {@code @username} in a minute, each a wake-up (a model call) for the agent named. A
 * bucket per session that holds the minute's budget and refills evenly over the minute, so that its
 * memory is two numbers whatever the traffic. A message that names more agents than the whole
 * budget goes once the bucket is full, and empties it. Guarded by the room's lock.
 */
final class WakeBudget {
  private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

  /** What the bucket holds, in wakes × nanoseconds of a minute (so that refills stay exact). */
  private long held = -1;

  /** {@link Ticker} reading of the last refill. */
  private long at;

  /**
   * Takes {@code wakes} from the budget of {@code options} at {@code now}.
   *
   * @return 0 when taken; else how many nanoseconds until the budget has room, nothing taken
   */
  long take(int wakes, RoomOptions options, long now) {
    Integer perMinute = options.mentionWakesPerMinute();
    if (perMinute == null || perMinute <= 0 || wakes == 0) {
      return 0;
    }
    long full = perMinute * MINUTE;
    if (held < 0) {
      held = full;
    } else {
      long refill = Math.max(0, now - at);
      held = refill >= MINUTE ? full : Math.min(full, held + refill * perMinute);
    }
    at = now;
    long need = Math.min(wakes, perMinute) * MINUTE;
    if (held >= need) {
      held = Math.max(0, held - wakes * MINUTE);
      return 0;
    }
    return Math.ceilDiv(need - held, perMinute);
  }
}
