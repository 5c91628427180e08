package dev.parley.server.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.api.InvalidParamsException;
import dev.parley.api.Message;
import dev.parley.api.ParticipantKind;
import dev.parley.api.Receipt;
import dev.parley.api.RoomOptions;
import dev.parley.api.WakeOn;
import dev.parley.extension.HistoryException;
import dev.parley.extension.MessageSeen;
import dev.parley.server.ServerLimits;
import dev.parley.server.store.MemoryStore;
import dev.parley.server.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The seen-receipts rule on the engine itself, with a hand-moved ticker: a session saw what was
 * delivered to it (its login's context and its answers' messages), never what is older than its
 * context; when, only while its bounded record of deliveries holds it and not across a restart; and
 * a history page counts who saw each message.
 */
class ReceiptsRuleTest {
  private final FakeTicker ticker = new FakeTicker();
  private final Store store = new MemoryStore();
  private RoomEngine engine;

  /** The defaults but for a login's context of {@code tail} messages. */
  private static ServerLimits loginTail(int tail) {
    ServerLimits d = ServerLimits.defaults();
    return new ServerLimits(
        d.appendChars(),
        d.messageChars(),
        d.bodyBytes(),
        d.batchCalls(),
        d.checkTimeoutCapMs(),
        d.ratePerSecond(),
        d.rateBurst(),
        d.sessionTtl(),
        d.stickHold(),
        tail,
        d.historyPage(),
        d.responseMessages(),
        d.responseBytes(),
        d.doorRatePerSecond(),
        d.doorBurst(),
        d.roomRetention());
  }

  private RoomEngine engine(int loginTail, int seenEntries) {
    engine =
        new RoomEngine(
            store,
            RoomEngine.Options.of(loginTail(loginTail))
                .withSweep(false)
                .withRoomDefaults(new RoomOptions(false, 0, 0))
                .withJournals(new RoomEngine.Journals(1 << 20, seenEntries, 1 << 20)),
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

  private String login(String name) {
    return engine
        .login(name, "r", null, null, LoginGate.OPEN, ParticipantKind.AGENT, null)
        .session();
  }

  private static Receipt of(List<Receipt> receipts, String user) {
    return receipts.stream().filter(r -> r.username().equals(user)).findFirst().orElseThrow();
  }

  @Test
  void aSessionSawItsLoginsContextAndWhatItsAnswersCarriedButNothingOlder() {
    RoomEngine e = engine(2, 16);
    String ann = login("ann"); // msg-1
    for (String text : List.of("one", "two", "three")) { // msg-2, msg-3, msg-4
      e.append(ann, text);
      e.push(ann, false, null);
    }
    String bob = login("bob"); // context msg-3, msg-4; joined msg-5
    assertThat(of(e.receipts(ann, "msg-2").receipts(), "bob").delivered()).isFalse();
    Receipt three = of(e.receipts(ann, "msg-3").receipts(), "bob");
    assertThat(three.delivered()).isTrue();
    assertThat(three.at()).isNotNull();
    assertThat(three.draftingAfter()).isFalse();

    e.append(ann, "four"); // msg-6, not yet delivered to bob
    e.push(ann, false, null);
    Receipt pending = of(e.receipts(ann, "msg-6").receipts(), "bob");
    assertThat(pending.delivered()).isFalse();
    assertThat(pending.at()).isNull();

    e.append(bob, "on it"); // edits the draft, then its answer delivers msg-6
    Receipt seen = of(e.receipts(ann, "msg-6").receipts(), "bob");
    assertThat(seen.delivered()).isTrue();
    assertThat(seen.draftingAfter()).isFalse();
    ticker.advance(Duration.ofSeconds(1));
    e.append(bob, ", with msg-6 in view");
    assertThat(of(e.receipts(ann, "msg-6").receipts(), "bob").draftingAfter()).isTrue();
    // Whoever caused a message has no receipt for it: ann's own, bob's join.
    assertThat(e.receipts(ann, "msg-6").receipts())
        .extracting(Receipt::username)
        .containsExactly("bob");
    assertThat(e.receipts(bob, "msg-5").receipts())
        .extracting(Receipt::username)
        .containsExactly("ann");

    assertThat(e.history(bob, null, 0L, 50, false).messages())
        .extracting(Message::messageId, Message::seenBy)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("msg-1", 0),
            org.assertj.core.groups.Tuple.tuple("msg-2", 0),
            org.assertj.core.groups.Tuple.tuple("msg-3", 1),
            org.assertj.core.groups.Tuple.tuple("msg-4", 1),
            org.assertj.core.groups.Tuple.tuple("msg-5", 1),
            org.assertj.core.groups.Tuple.tuple("msg-6", 1));
  }

  @Test
  void theTimeOfADeliveryIsKnownWhileTheBoundedRecordHoldsItAndNotAcrossARestart() {
    RoomEngine e = engine(20, 2);
    String ann = login("ann");
    String bob = login("bob"); // msg-2
    for (String text : List.of("one", "two", "three")) { // msg-3, msg-4, msg-5
      e.append(ann, text);
      e.push(ann, false, null);
      e.preview(bob);
    }
    // Two deliveries remembered: msg-4's and msg-5's; msg-3's is known to have happened.
    Receipt oldest = of(e.receipts(ann, "msg-3").receipts(), "bob");
    assertThat(oldest.delivered()).isTrue();
    assertThat(oldest.at()).isNull();
    assertThat(of(e.receipts(ann, "msg-5").receipts(), "bob").at()).isNotNull();
    e.append(bob, "draft");

    e.close();
    RoomEngine after = engine(20, 2);
    Receipt restored = of(after.receipts(ann, "msg-5").receipts(), "bob");
    assertThat(restored.delivered()).isTrue();
    assertThat(restored.at()).isNull();
    // Its draft came back with it: drafting after a delivery whose time was lost with the restart.
    assertThat(restored.draftingAfter()).isTrue();
  }

  @Test
  void aDraftWrittenBeforeAMessageCameIsNotWritingAfterItOnceItsDeliveryTimeIsForgotten() {
    RoomEngine e = engine(20, 2);
    String ann = login("ann");
    String bob = login("bob"); // msg-2
    e.append(bob, "an answer to something else");
    e.append(ann, "a question"); // msg-3
    e.push(ann, false, null);
    e.preview(bob); // delivers msg-3; bob's draft is older
    for (String text : List.of("four", "five", "six")) { // the record of two moves on
      e.append(ann, text);
      e.push(ann, false, null);
      e.preview(bob);
    }
    Receipt asked = of(e.receipts(ann, "msg-3").receipts(), "bob");
    assertThat(asked.at()).isNull();
    assertThat(asked.draftingAfter()).isFalse();
    e.undo(bob);
    e.append(bob, "now with it in view");
    assertThat(of(e.receipts(ann, "msg-3").receipts(), "bob").draftingAfter()).isTrue();
  }

  @Test
  void whatALoginsContextLeftOutStaysUnseenAfterARestart() {
    RoomEngine e = engine(1, 16);
    String ann = login("ann");
    e.append(ann, "old");
    e.push(ann, false, null); // msg-2
    login("bob"); // context msg-2 only
    e.close();
    RoomEngine after = engine(1, 16);
    assertThat(of(after.receipts(ann, "msg-1").receipts(), "bob").delivered()).isFalse();
    assertThat(of(after.receipts(ann, "msg-2").receipts(), "bob").delivered()).isTrue();
  }

  @Test
  void aMessageTheRoomDoesNotHaveIsRefusedAsInvalidParams() {
    RoomEngine e = engine(20, 16);
    String ann = login("ann");
    for (String id : List.of("msg-2", "msg-0", "nope")) {
      assertThatThrownBy(() -> e.receipts(ann, id))
          .isInstanceOfSatisfying(
              InvalidParamsException.class, x -> assertThat(x.pointer()).isEqualTo("/message_id"));
      assertThatThrownBy(() -> e.timeline(ann, id)).isInstanceOf(InvalidParamsException.class);
    }
  }

  @Test
  void aWatcherIsToldWhoSawEachMessageOfARangeByTheSameRuleTheNewestFiveHundredAtMost() {
    RoomEngine e = engine(2, 16);
    String ann = login("ann"); // msg-1
    e.append(ann, "one"); // msg-2
    e.push(ann, false, null);
    String bob = login("bob"); // context msg-1, msg-2; joined msg-3
    e.append(ann, "two"); // msg-4, not yet delivered to bob
    e.push(ann, false, null);

    List<MessageSeen> seen = e.seen("r", 1, 4);
    assertThat(seen).extracting(MessageSeen::seq).containsExactly(1L, 2L, 3L, 4L);
    // Whoever caused a message is in neither list: ann its join and its messages, bob its join.
    assertThat(seen.get(1)).isEqualTo(new MessageSeen(2, List.of("bob"), List.of()));
    assertThat(seen.get(2)).isEqualTo(new MessageSeen(3, List.of("ann"), List.of()));
    assertThat(seen.get(3)).isEqualTo(new MessageSeen(4, List.of(), List.of("bob")));
    e.check(bob, 0, WakeOn.ANY);
    assertThat(e.seen("r", 4, 4)).containsExactly(new MessageSeen(4, List.of("bob"), List.of()));

    for (int i = 0; i < MessageSeen.MOST + 10; i++) {
      ticker.advance(Duration.ofSeconds(1)); // within the rate limit
      e.append(ann, "more " + i);
      e.push(ann, false, null);
    }
    List<MessageSeen> newest = e.seen("r", 1, 4 + MessageSeen.MOST + 10);
    assertThat(newest).hasSize(MessageSeen.MOST);
    assertThat(newest.getFirst().seq()).isEqualTo(15);
    // A range past the room's end is the newest five hundred of the room.
    assertThat(e.seen("r", 1, 1_000_000)).isEqualTo(newest);
    assertThatThrownBy(() -> e.seen("r", 0, 4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> e.seen("r", 5, 4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> e.seen("nowhere", 1, 4)).isInstanceOf(HistoryException.class);
  }
}
