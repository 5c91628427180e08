package dev.parley.server.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.api.ParticipantKind;
import dev.parley.api.RateLimitedException;
import dev.parley.api.RoomOptions;
import dev.parley.server.ServerLimits;
import dev.parley.server.store.MemoryStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The wake budget, on the bucket and on the engine with a hand-moved ticker: the minute's budget
 * refills evenly, a push past it is refused with how long to wait (its draft kept), humans named
 * cost nothing, and a message naming more agents than the whole budget goes once it is full.
 */
class WakeBudgetTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private final FakeTicker ticker = new FakeTicker();
  private RoomEngine engine;

  @AfterEach
  void close() {
    if (engine != null) {
      engine.close();
    }
  }

  @Test
  void theBucketRefillsEvenlyOverTheMinute() {
    RoomOptions six = new RoomOptions(false, 6, 0);
    WakeBudget budget = new WakeBudget();
    long t = 0;
    assertThat(budget.take(6, six, t)).isZero();
    // Empty: one wake comes back every 10 s.
    assertThat(budget.take(1, six, t)).isEqualTo(10 * SECOND);
    assertThat(budget.take(1, six, t + 4 * SECOND)).isEqualTo(6 * SECOND);
    assertThat(budget.take(1, six, t + 10 * SECOND)).isZero();
    assertThat(budget.take(2, six, t + 20 * SECOND)).isEqualTo(10 * SECOND);
    // More than the whole budget waits for a full bucket, then empties it.
    assertThat(budget.take(9, six, t + 20 * SECOND)).isEqualTo(50 * SECOND);
    assertThat(budget.take(9, six, t + 80 * SECOND)).isZero();
    assertThat(budget.take(1, six, t + 80 * SECOND)).isEqualTo(10 * SECOND);
    // No budget, or no mention: nothing to take.
    assertThat(budget.take(100, new RoomOptions(false, 0, 0), t)).isZero();
    assertThat(budget.take(0, six, t + 80 * SECOND)).isZero();
  }

  @Test
  void aPushPastTheBudgetIsRefusedWithTheWaitAndGoesOnceTheBudgetHasRoom() {
    engine =
        new RoomEngine(
            new MemoryStore(),
            RoomEngine.Options.of(ServerLimits.defaults())
                .withSweep(false)
                .withRoomDefaults(new RoomOptions(false, 2, 0)),
            Clock.systemUTC(),
            ticker,
            event -> {});
    String ada = login("ada", ParticipantKind.AGENT);
    login("bob", ParticipantKind.AGENT);
    login("cy", ParticipantKind.AGENT);
    login("hal", ParticipantKind.HUMAN);
    engine.append(ada, "@bob @cy and @hal, look");
    assertThat(engine.push(ada, false, null).status()).isEqualTo(1);
    engine.append(ada, "@hal only costs nothing");
    assertThat(engine.push(ada, false, null).status()).isEqualTo(1);
    engine.append(ada, "@bob again");
    assertThatThrownBy(() -> engine.push(ada, false, null))
        .isInstanceOfSatisfying(
            RateLimitedException.class,
            e -> {
              assertThat(e.retryAfterMs()).isEqualTo(30_000L);
              assertThat(e.typedData().reason())
                  .isEqualTo(RateLimitedException.Reason.MENTION_WAKES);
            });
    assertThat(engine.preview(ada).draft()).isEqualTo("@bob again");
    ticker.advance(Duration.ofSeconds(30));
    assertThat(engine.push(ada, false, null).status()).isEqualTo(1);
  }

  private String login(String name, ParticipantKind kind) {
    return engine.login(name, "wakes", null, null, LoginGate.OPEN, kind, null).session();
  }
}
