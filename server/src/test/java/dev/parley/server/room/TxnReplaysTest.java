package dev.parley.server.room;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.api.AppendResult;
import dev.parley.api.FloorPolicy;
import dev.parley.api.Message;
import dev.parley.api.ResetResult;
import dev.parley.api.UndoResult;
import dev.parley.server.ServerLimits;
import dev.parley.server.store.MemoryStore;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A draft edit retried with its {@code txn_id} answers the first result and changes nothing. */
class TxnReplaysTest {
  private final FakeTicker ticker = new FakeTicker();
  private final MemoryStore store = new MemoryStore();
  private RoomEngine engine = engine();

  private RoomEngine engine() {
    return new RoomEngine(
        store,
        RoomEngine.Options.of(ServerLimits.defaults().withMessageChars(1500)).withSweep(false),
        Clock.systemUTC(),
        ticker,
        e -> {});
  }

  @AfterEach
  void close() {
    engine.close();
  }

  private static List<String> contents(List<Message> messages) {
    return messages.stream().map(Message::content).toList();
  }

  private void say(String token, String text) {
    engine.append(token, text);
    engine.push(token, true, null);
  }

  @Test
  void aRetriedAppendAnswersTheFirstResultWithWhatArrivedSinceAndAppendsNothing() {
    String ada = engine.login("ada", "r", null, null).session();
    String bob = engine.login("bob", "r", null, null).session();
    engine.preview(ada);
    AppendResult first = engine.append(ada, "x".repeat(1200), "a-1");
    say(bob, "meanwhile");

    AppendResult again = engine.append(ada, "x".repeat(1200), "a-1");

    assertThat(again.status()).isEqualTo(2);
    assertThat(again.truncated()).isEqualTo(200);
    assertThat(again.suffix()).isEqualTo(first.suffix());
    assertThat(again.draftLength()).isEqualTo(1000);
    assertThat(contents(again.messages())).containsExactly("meanwhile");
    assertThat(engine.preview(ada).segments()).hasSize(1);
    // Another text under a new txn_id is a new append.
    assertThat(engine.append(ada, "y", "a-2").draftLength()).isEqualTo(1001);
  }

  @Test
  void anAppendThatAppendedNothingIsNotRememberedSoItsRetryRunsAgain() {
    String ada = engine.login("ada", "r", null, null).session();
    engine.append(ada, "x".repeat(1000));
    assertThat(engine.append(ada, "y".repeat(600), "a-1").status()).isZero();
    engine.push(ada, true, null);

    AppendResult retry = engine.append(ada, "y".repeat(600), "a-1");

    assertThat(retry.status()).isEqualTo(1);
    assertThat(engine.preview(ada).draft()).isEqualTo("y".repeat(600));
  }

  @Test
  void aRetriedUndoRemovesOnlyOneSegment() {
    String ada = engine.login("ada", "r", null, null).session();
    engine.append(ada, "one ");
    engine.append(ada, "two ");
    engine.append(ada, "three");
    UndoResult first = engine.undo(ada, "u-1");

    UndoResult again = engine.undo(ada, "u-1");

    assertThat(again).isEqualTo(first);
    assertThat(again.suffix()).isEqualTo("one two ");
    assertThat(engine.preview(ada).draft()).isEqualTo("one two ");
    assertThat(engine.undo(ada, "u-2").suffix()).isEqualTo("one ");
  }

  @Test
  void aRetriedResetKeepsWhatWasWrittenSinceAndStillSaysItEmptiedTheDraft() {
    String ada = engine.login("ada", "r", null, null).session();
    engine.append(ada, "scrap this");
    assertThat(engine.reset(ada, "r-1").status()).isEqualTo(1);
    engine.append(ada, "better");

    ResetResult again = engine.reset(ada, "r-1");

    assertThat(again.status()).isEqualTo(1);
    assertThat(engine.preview(ada).draft()).isEqualTo("better");
  }

  @Test
  void aResetThatGaveUpTheStickIsRememberedThoughTheDraftWasEmpty() {
    engine.createRoom("s", FloorPolicy.STICK);
    String ada = engine.login("ada", "s", null, null).session();
    String bob = engine.login("bob", "s", null, null).session();
    engine.talkingStick(ada);
    assertThat(engine.reset(ada, "r-1").status()).isZero();
    engine.talkingStick(bob);

    engine.reset(ada, "r-1");

    assertThat(engine.talkingStick(ada).holder()).isEqualTo("bob");
  }

  @Test
  void eachMethodHasItsOwnTxnIds() {
    String ada = engine.login("ada", "r", null, null).session();
    engine.append(ada, "one ", "t");
    engine.append(ada, "two", "t");
    engine.undo(ada, "t");
    engine.reset(ada, "t");
    engine.append(ada, "three", "t2");
    engine.push(ada, false, "t");

    assertThat(engine.history(ada, null, null, 10).messages())
        .extracting(Message::content)
        .contains("three");
    assertThat(engine.preview(ada).draft()).isEmpty();
  }

  @Test
  void aSessionRemembersItsNewestDraftEditsOnly() {
    String ada = engine.login("ada", "r", null, null).session();
    for (int i = 0; i <= TxnReplays.DRAFT_KEEP; i++) {
      engine.append(ada, "x", "a-" + i);
    }
    engine.append(ada, "x", "a-" + TxnReplays.DRAFT_KEEP);
    assertThat(engine.preview(ada).segments()).hasSize(TxnReplays.DRAFT_KEEP + 1);

    // The oldest was forgotten: its retry appends again.
    engine.append(ada, "x", "a-0");
    assertThat(engine.preview(ada).segments()).hasSize(TxnReplays.DRAFT_KEEP + 2);
  }

  @Test
  void aNewEngineOnTheSameStoreAnswersRetriesAlike() {
    String ada = engine.login("ada", "r", null, null).session();
    AppendResult appended = engine.append(ada, "kept", "a-1");
    engine.append(ada, " and gone");
    UndoResult undone = engine.undo(ada, "u-1");
    engine.close();

    engine = engine();

    assertThat(engine.append(ada, "kept", "a-1")).isEqualTo(appended);
    assertThat(engine.undo(ada, "u-1")).isEqualTo(undone);
    assertThat(engine.preview(ada).draft()).isEqualTo("kept");
  }
}
