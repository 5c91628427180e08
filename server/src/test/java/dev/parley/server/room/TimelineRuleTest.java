package dev.parley.server.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.api.DraftAction;
import dev.parley.api.InterruptReason;
import dev.parley.api.NoDraftException;
import dev.parley.api.ParticipantKind;
import dev.parley.api.ParticipantTimeline;
import dev.parley.api.PushHeldException;
import dev.parley.api.RoomOptions;
import dev.parley.api.TimelineEvent;
import dev.parley.api.TimelineEventType;
import dev.parley.api.TimelineResult;
import dev.parley.server.ServerLimits;
import dev.parley.server.store.MemoryStore;
import dev.parley.server.store.Store;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The timeline rule on the engine itself, with a hand-moved ticker: for a message, each other
 * participant's delivery, draft changes, interrupted and refused pushes and next message; the
 * journal in memory within its byte budget, saying when it is no longer complete.
 */
class TimelineRuleTest {
  private final FakeTicker ticker = new FakeTicker();
  private final Store store = new MemoryStore();
  private RoomEngine engine;

  private RoomEngine engine(long timelineBytes) {
    engine =
        new RoomEngine(
            store,
            RoomEngine.Options.of(ServerLimits.defaults())
                .withSweep(false)
                .withRoomDefaults(new RoomOptions(true, 0, 0))
                .withJournals(new RoomEngine.Journals(timelineBytes, 256, 8192)),
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

  private String login(String name, ParticipantKind kind) {
    return engine.login(name, "t", null, null, LoginGate.OPEN, kind, null).session();
  }

  private static ParticipantTimeline of(TimelineResult t, String user) {
    return t.participants().stream()
        .filter(p -> p.username().equals(user))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void eachParticipantsDeliveryDraftAndPushesAfterAMessageThroughItsNextMessage() {
    RoomEngine e = engine(1 << 20);
    String ann = login("ann", ParticipantKind.HUMAN);
    String bot = login("bot", ParticipantKind.AGENT);
    String eve = login("eve", ParticipantKind.AGENT);
    e.append(ann, "shall we ship?");
    String asked = e.push(ann, false, null).messageId(); // msg-4

    // bot: delivered with its first append, refused with nothing to push, held for a human.
    e.append(bot, "yes");
    e.undo(bot);
    assertThatThrownBy(() -> e.push(bot, false, null)).isInstanceOf(NoDraftException.class);
    e.append(bot, "yes, Friday");
    e.append(ann, "wait");
    assertThat(e.push(bot, false, null).reason()).isEqualTo(InterruptReason.HUMAN_DRAFTING);
    e.reset(ann);
    String answered = e.push(bot, false, null).messageId();
    e.append(bot, "and after"); // past its next message: not part of this timeline

    TimelineResult t = e.timeline(ann, asked);
    assertThat(t.complete()).isTrue();
    assertThat(t.participants())
        .extracting(ParticipantTimeline::username)
        .containsExactly("bot", "eve");
    ParticipantTimeline bots = of(t, "bot");
    assertThat(bots.delivered()).isTrue();
    assertThat(bots.deliveredAt()).isNotNull();
    assertThat(bots.events())
        .extracting(TimelineEvent::type)
        .containsExactly(
            // The append's answer carried the message: its draft changed, then it was delivered.
            TimelineEventType.DRAFT_STARTED,
            TimelineEventType.DELIVERED,
            TimelineEventType.DRAFT_CHANGED,
            TimelineEventType.PUSH_REFUSED,
            TimelineEventType.DRAFT_STARTED,
            TimelineEventType.PUSH_INTERRUPTED,
            TimelineEventType.PUSHED);
    List<TimelineEvent> events = bots.events();
    assertThat(events.get(1).throughSeq()).isEqualTo(4);
    assertThat(events.get(2).action()).isEqualTo(DraftAction.UNDO);
    assertThat(events.get(2).draftLength()).isZero();
    assertThat(events.get(3).code()).isEqualTo(40001);
    assertThat(events.get(5).reason()).isEqualTo(InterruptReason.HUMAN_DRAFTING);
    assertThat(bots.nextMessage().messageId()).isEqualTo(answered);
    assertThat(bots.nextMessage().seq()).isEqualTo(events.get(6).seq());

    // eve did nothing and was delivered nothing since: why it did not answer.
    ParticipantTimeline eves = of(t, "eve");
    assertThat(eves.delivered()).isFalse();
    assertThat(eves.deliveredAt()).isNull();
    assertThat(eves.events()).isEmpty();
    assertThat(eves.nextMessage()).isNull();

    // The journal, as exported: every event of the room, oldest first, through the delivery of
    // bot's answer to ann that this very timeline call carried.
    List<TimelineEvent> journal = e.timelineEvents("t");
    assertThat(journal).extracting(TimelineEvent::user).contains("eve", "bot");
    assertThat(journal.getLast().user()).isEqualTo("ann");
    assertThat(journal.getLast().type()).isEqualTo(TimelineEventType.DELIVERED);
  }

  @Test
  void aJournalPastItsBudgetOrLostInARestartSaysItIsNoLongerComplete() {
    RoomEngine e = engine(4 * Timeline.ENTRY_OVERHEAD_BYTES);
    String ann = login("ann", ParticipantKind.HUMAN);
    login("bot", ParticipantKind.AGENT);
    e.append(ann, "first");
    String first = e.push(ann, false, null).messageId();
    assertThat(e.timeline(ann, first).complete()).isTrue();
    for (int i = 0; i < 5; i++) {
      e.append(ann, "more");
    }
    assertThat(e.timeline(ann, first).complete()).isFalse();
    assertThat(e.timelineEvents("t")).hasSizeLessThan(5);

    e.append(ann, "last");
    String last = e.push(ann, false, null).messageId();
    e.close();
    RoomEngine after = engine(1 << 20);
    assertThat(after.timeline(ann, last).complete()).isFalse();
    assertThat(after.timelineEvents("t")).isEmpty();
  }

  @Test
  void aPushTheLoopGuardOrAMuteHoldsIsARefusalInTheTimelineUnderItsCode() {
    RoomEngine e = engine(1 << 20);
    String ann =
        e.login(
                "ann",
                "t",
                null,
                null,
                LoginGate.OPEN,
                ParticipantKind.HUMAN,
                new RoomOptions(true, 0, 1))
            .session();
    String bot = login("bot", ParticipantKind.AGENT);
    String eve = login("eve", ParticipantKind.AGENT);
    e.append(ann, "shall we ship?");
    String asked = e.push(ann, false, null).messageId();
    e.append(bot, "yes");
    e.push(bot, true, null);
    // One agent message reached the room's limit of 1: eve waits for a person.
    e.append(eve, "me too");
    assertThatThrownBy(() -> e.push(eve, true, null)).isInstanceOf(PushHeldException.class);
    e.mute(ann, "eve", null);
    e.continueRun(ann);
    assertThatThrownBy(() -> e.push(eve, true, null)).isInstanceOf(PushHeldException.class);

    List<TimelineEvent> refused =
        of(e.timeline(ann, asked), "eve").events().stream()
            .filter(x -> x.type() == TimelineEventType.PUSH_REFUSED)
            .toList();
    assertThat(refused).extracting(TimelineEvent::code).containsExactly(40014, 40014);
    assertThat(refused.get(0).detail()).startsWith("1 agent message in a row");
    assertThat(refused.get(1).detail()).startsWith("ann muted you");
  }
}
