package dev.parley.server.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.api.AccessDeniedException;
import dev.parley.api.InvalidParamsException;
import dev.parley.api.ParticipantKind;
import dev.parley.api.PushHeldException;
import dev.parley.api.RoomOptions;
import dev.parley.server.ServerLimits;
import dev.parley.server.store.MemoryStore;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rules of moderation and of the loop guard on the engine itself, with a fake clock: bounded
 * mutes and removals end on time, names match their lookalikes, a room keeps at most {@link
 * Moderation#MOST_BARS} of each, and the loop guard's count is read back from the log by a new
 * engine, up to the last human message or {@code continued}.
 */
class ModerationRuleTest {
  private final FakeTicker ticker = new FakeTicker();
  private final FakeClock clock = new FakeClock();
  private final MemoryStore store = new MemoryStore();
  private RoomEngine engine = engine();

  private RoomEngine engine() {
    // No rate limit: one test mutes a thousand names in a row.
    return new RoomEngine(
        store,
        RoomEngine.Options.of(
                ServerLimits.defaults().withRate(0, ServerLimits.defaults().rateBurst()))
            .withSweep(false)
            .withRoomDefaults(new RoomOptions(false, 0, 3)),
        clock,
        ticker,
        event -> {});
  }

  @AfterEach
  void close() {
    engine.close();
  }

  private String login(String name, ParticipantKind kind) {
    return engine.login(name, "r", null, null, LoginGate.OPEN, kind, null).session();
  }

  private int say(String token, String text) {
    engine.append(token, text);
    return engine.push(token, true, null).status();
  }

  @Test
  void aBoundedMuteEndsOnTimeAndNamesMatchTheirLookalikes() {
    String mo = login("mo", ParticipantKind.HUMAN);
    String alice = login("alice", ParticipantKind.AGENT);
    assertThat(engine.mute(mo, "ALICE", 1_000).status()).isEqualTo(1);
    engine.append(alice, "hello");
    assertThatThrownBy(() -> engine.push(alice, false, null))
        .isInstanceOfSatisfying(
            PushHeldException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(PushHeldException.Reason.MUTED);
              assertThat(e.retryAfterMs()).isEqualTo(1_000);
            });
    clock.advance(Duration.ofMillis(999));
    assertThatThrownBy(() -> engine.push(alice, false, null)).isInstanceOf(PushHeldException.class);
    clock.advance(Duration.ofMillis(1));
    assertThat(engine.push(alice, false, null).status()).isEqualTo(1);
    // The mute had ended: there is nothing to unmute.
    assertThat(engine.unmute(mo, "alice").status()).isZero();
  }

  @Test
  void aRemovalBarsTheNameUntilItsEndAndNotAfter() {
    String mo = login("mo", ParticipantKind.HUMAN);
    login("bot", ParticipantKind.AGENT);
    assertThat(engine.remove(mo, "bot", 60_000).status()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(59));
    assertThatThrownBy(() -> login("BOT", ParticipantKind.AGENT))
        .isInstanceOfSatisfying(
            AccessDeniedException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(AccessDeniedException.Reason.REMOVED);
              assertThat(e.retryAfterMs()).isEqualTo(1_000);
            });
    clock.advance(Duration.ofSeconds(1));
    assertThat(login("bot", ParticipantKind.AGENT)).isNotBlank();
  }

  @Test
  void aRoomKeepsAtMostSoManyMutesAndLiftingOneMakesRoom() {
    String mo = login("mo", ParticipantKind.HUMAN);
    for (int i = 0; i < Moderation.MOST_BARS; i++) {
      engine.mute(mo, "user" + i, null);
    }
    assertThatThrownBy(() -> engine.mute(mo, "one-more", null))
        .isInstanceOf(InvalidParamsException.class)
        .hasMessageContaining(String.valueOf(Moderation.MOST_BARS));
    engine.unmute(mo, "user0");
    assertThat(engine.mute(mo, "one-more", null).status()).isEqualTo(1);
  }

  @Test
  void aNewEngineReadsTheLoopGuardsCountBackFromTheLog() {
    String mo = login("mo", ParticipantKind.HUMAN);
    String a = login("a", ParticipantKind.AGENT);
    String b = login("b", ParticipantKind.AGENT);
    say(a, "1");
    say(b, "2");
    say(mo, "a person resets the count");
    say(a, "1");
    say(b, "2");
    engine.close();

    engine = engine();
    assertThat(say(a, "3")).isEqualTo(1);
    engine.append(b, "4");
    assertThatThrownBy(() -> engine.push(b, true, null))
        .isInstanceOfSatisfying(
            PushHeldException.class, e -> assertThat(e.agentRun()).isEqualTo(3));
    assertThat(engine.continueRun(mo).status()).isEqualTo(1);
    say(b, "1");
    engine.close();

    // Back to the continue, not to the person: one message counted.
    engine = engine();
    assertThat(say(a, "2")).isEqualTo(1);
    assertThat(say(b, "3")).isEqualTo(1);
    engine.append(a, "4");
    assertThatThrownBy(() -> engine.push(a, true, null)).isInstanceOf(PushHeldException.class);
  }
}
