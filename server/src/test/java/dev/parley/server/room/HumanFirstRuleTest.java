package dev.parley.server.room;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.api.InterruptReason;
import dev.parley.api.Message;
import dev.parley.api.ParticipantKind;
import dev.parley.api.PushResult;
import dev.parley.api.RoomOptions;
import dev.parley.api.WakeOn;
import dev.parley.server.ServerLimits;
import dev.parley.server.store.MemoryStore;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rules of human_first and of causal stamps on the engine itself, with a hand-moved ticker: an
 * agent's push waits for a drafting human of its room (force or not), and only in a room that has
 * the option; a forced push past a pending message is stale.
 */
class HumanFirstRuleTest {
  private final FakeTicker ticker = new FakeTicker();
  private RoomEngine engine;

  private RoomEngine engine(RoomOptions defaults) {
    engine =
        new RoomEngine(
            new MemoryStore(),
            RoomEngine.Options.of(ServerLimits.defaults())
                .withSweep(false)
                .withRoomDefaults(defaults),
            Clock.systemUTC(),
            ticker,
            event -> {});
    return engine;
  }

  @AfterEach
  void close() {
    if (engine != null) {
      engine.close();
    }
  }

  private String login(String name, String room, ParticipantKind kind, RoomOptions options) {
    return engine.login(name, room, null, null, LoginGate.OPEN, kind, options).session();
  }

  @Test
  void anAgentWaitsForADraftingHumanWhateverForceSaysAndAHumanNeverWaits() {
    RoomEngine e = engine(new RoomOptions(true, 0, 0));
    String ann = login("ann", "r", ParticipantKind.HUMAN, null);
    String bot = login("bot", "r", ParticipantKind.AGENT, null);
    String other = login("other", "r", ParticipantKind.AGENT, null);
    e.append(bot, "mine");
    e.append(other, "an agent drafting holds nobody");
    assertThat(e.push(bot, false, null).status()).isEqualTo(1);

    e.append(bot, "second");
    e.append(ann, "typing");
    for (boolean force : new boolean[] {false, true}) {
      PushResult held = e.push(bot, force, null);
      assertThat(held.status()).isZero();
      assertThat(held.reason()).isEqualTo(InterruptReason.HUMAN_DRAFTING);
    }
    // A human's push is never held, not even by another human's draft.
    String bea = login("bea", "r", ParticipantKind.HUMAN, null);
    e.append(bea, "me too");
    assertThat(e.push(ann, true, null).status()).isEqualTo(1);
    assertThat(e.push(bot, false, null).reason()).isEqualTo(InterruptReason.HUMAN_DRAFTING);
    e.reset(bea);
    assertThat(e.push(bot, true, null).status()).isEqualTo(1);
  }

  @Test
  void aDraftLeftAloneForTheSticksHoldHoldsNobodyUntilItIsEditedAgain() {
    RoomEngine e = engine(new RoomOptions(true, 0, 0));
    String ann = login("ann", "away", ParticipantKind.HUMAN, null);
    String bot = login("bot", "away", ParticipantKind.AGENT, null);
    e.append(ann, "back in a minute");
    e.append(bot, "then I go on");
    assertThat(e.push(bot, false, null).reason()).isEqualTo(InterruptReason.HUMAN_DRAFTING);
    ticker.advance(ServerLimits.defaults().stickHold().plusMillis(1));
    assertThat(e.push(bot, false, null).status()).isEqualTo(1);
    e.append(ann, ", now back");
    e.append(bot, "and wait again");
    assertThat(e.push(bot, false, null).reason()).isEqualTo(InterruptReason.HUMAN_DRAFTING);
  }

  @Test
  void roomsWithoutTheOptionHoldNobodyAndKeepTheirOptionsForLife() {
    RoomEngine e = engine(new RoomOptions(true, 0, 0));
    String ann = login("ann", "free", ParticipantKind.HUMAN, new RoomOptions(false, 0, 0));
    String bot = login("bot", "free", ParticipantKind.AGENT, new RoomOptions(true, 0, 0));
    e.append(ann, "typing");
    e.append(bot, "not held");
    assertThat(e.push(bot, false, null).status()).isEqualTo(1);
    e.close();

    RoomEngine off = engine(new RoomOptions(false, 0, 0));
    String carl = login("carl", "default-off", ParticipantKind.HUMAN, null);
    String bot2 = login("bot", "default-off", ParticipantKind.AGENT, null);
    off.append(carl, "typing");
    off.append(bot2, "not held either");
    assertThat(off.push(bot2, false, null).status()).isEqualTo(1);
  }

  @Test
  void aForcedPushPastAPendingMessageIsStaleAndNamesWhatItsAuthorHadSeen() {
    RoomEngine e = engine(new RoomOptions(true, 0, 0));
    String a = login("a", "s", ParticipantKind.AGENT, null);
    String b = login("b", "s", ParticipantKind.AGENT, null);
    e.check(a, 0, WakeOn.ANY);
    long seen = e.history(a, null, null, 50).messages().getLast().seq();
    e.append(a, "late");
    e.append(b, "news");
    e.push(b, false, null);
    e.push(a, true, null);
    Message late = e.history(a, null, null, 50).messages().getLast();
    assertThat(late.content()).isEqualTo("late");
    assertThat(late.basedOn()).isEqualTo(seen);
    assertThat(late.stale()).isTrue();
    e.append(b, "reply");
    e.push(b, false, null);
    Message reply = e.history(a, null, null, 50).messages().getLast();
    assertThat(reply.basedOn()).isEqualTo(late.seq());
    assertThat(reply.stale()).isFalse();
  }
}
