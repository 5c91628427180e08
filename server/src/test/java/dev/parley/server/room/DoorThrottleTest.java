package dev.parley.server.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.api.RateLimitedException;
import dev.parley.server.ServerLimits;
import dev.parley.server.store.MemoryStore;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The per-address door rule, with a hand-moved ticker. */
class DoorThrottleTest {
  private final FakeTicker ticker = new FakeTicker();

  private static long retryAfter(RateLimitedException e) {
    return e.retryAfterMs();
  }

  @Test
  void anAddressGetsItsBurstThenWaitsForTheRate() {
    DoorThrottle door = new DoorThrottle(10, 5, ticker, 100);
    for (int i = 0; i < 5; i++) {
      door.admit("192.0.2.1");
    }
    assertThatThrownBy(() -> door.admit("192.0.2.1"))
        .isInstanceOfSatisfying(
            RateLimitedException.class, e -> assertThat(retryAfter(e)).isEqualTo(100));
    ticker.advance(Duration.ofMillis(40));
    assertThatThrownBy(() -> door.admit("192.0.2.1"))
        .isInstanceOfSatisfying(
            RateLimitedException.class, e -> assertThat(retryAfter(e)).isEqualTo(60));
    ticker.advance(Duration.ofMillis(60));
    door.admit("192.0.2.1");
    assertThatThrownBy(() -> door.admit("192.0.2.1")).isInstanceOf(RateLimitedException.class);
  }

  @Test
  void addressesHaveBudgetsOfTheirOwn() {
    DoorThrottle door = new DoorThrottle(1, 2, ticker, 100);
    door.admit("192.0.2.1");
    door.admit("192.0.2.1");
    assertThatThrownBy(() -> door.admit("192.0.2.1")).isInstanceOf(RateLimitedException.class);
    door.admit("192.0.2.2");
    door.admit("192.0.2.2");
    door.admit("::1");
    assertThatThrownBy(() -> door.admit("192.0.2.2")).isInstanceOf(RateLimitedException.class);
  }

  @Test
  void theTableIsBoundedAndForgetsAddressesOnceTheirBucketIsFullAgain() {
    DoorThrottle door = new DoorThrottle(10, 20, ticker, 100);
    for (int i = 0; i < 10_000; i++) {
      door.admit("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255));
    }
    assertThat(door.addresses()).isBetween(1L, 100L);
    // 20 calls at 10 a second refill in 2 s: after that an address is as good as new.
    ticker.advance(Duration.ofMillis(1999));
    assertThat(door.addresses()).isPositive();
    ticker.advance(Duration.ofMillis(2));
    assertThat(door.addresses()).isZero();
  }

  @Test
  void aForgottenAddressStartsWithAFullBucketWhichItWouldHaveHadAnyway() {
    DoorThrottle door = new DoorThrottle(10, 20, ticker, 100);
    for (int i = 0; i < 20; i++) {
      door.admit("192.0.2.1");
    }
    assertThatThrownBy(() -> door.admit("192.0.2.1")).isInstanceOf(RateLimitedException.class);
    ticker.advance(Duration.ofSeconds(2));
    for (int i = 0; i < 20; i++) {
      door.admit("192.0.2.1");
    }
    assertThatThrownBy(() -> door.admit("192.0.2.1")).isInstanceOf(RateLimitedException.class);
  }

  @Test
  void zeroTurnsTheRuleOffAndCallersInsideTheProcessAreNotLimited() {
    DoorThrottle off = new DoorThrottle(0, 1, ticker, 100);
    DoorThrottle on = new DoorThrottle(1, 1, ticker, 100);
    assertThatCode(
            () -> {
              for (int i = 0; i < 1000; i++) {
                off.admit("192.0.2.1");
                on.admit(null);
              }
            })
        .doesNotThrowAnyException();
    assertThat(off.addresses()).isZero();
  }

  @Test
  void theEngineAdmitsByTheConfiguredLimitsWhichLoginReports() {
    ServerLimits limits = ServerLimits.defaults().withDoor(2, 3);
    try (RoomEngine engine =
        new RoomEngine(
            new MemoryStore(),
            RoomEngine.Options.of(limits).withSweep(false),
            Clock.systemUTC(),
            ticker,
            event -> {})) {
      for (int i = 0; i < 3; i++) {
        engine.admit("192.0.2.1");
      }
      assertThatThrownBy(() -> engine.admit("192.0.2.1"))
          .isInstanceOfSatisfying(
              RateLimitedException.class, e -> assertThat(retryAfter(e)).isEqualTo(500));
      var reported = engine.login("ada", "r", null, null).limits();
      assertThat(reported.doorRatePerSecond()).isEqualTo(2);
      assertThat(reported.doorBurst()).isEqualTo(3);
    }
  }

  @Test
  void theDefaultsStopAFloodOfLoginsFromOneAddress() {
    ServerLimits limits = ServerLimits.defaults();
    // 5,000 logins in 10 s: at most the burst and 10 s of the rate get through.
    DoorThrottle door =
        new DoorThrottle(limits.doorRatePerSecond(), limits.doorBurst(), ticker, 100);
    int admitted = 0;
    for (int i = 0; i < 5000; i++) {
      ticker.advance(Duration.ofMillis(2));
      try {
        door.admit("192.0.2.1");
        admitted++;
      } catch (RateLimitedException e) {
        assertThat(retryAfter(e)).isPositive();
      }
    }
    assertThat(admitted)
        .isLessThanOrEqualTo(limits.doorBurst() + 10 * limits.doorRatePerSecond() + 1);
  }
}
