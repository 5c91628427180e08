package dev.parley.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.api.FloorPolicy;
import dev.parley.api.Message;
import dev.parley.api.MessageKind;
import dev.parley.api.ParticipantKind;
import dev.parley.api.SystemEvent;
import dev.parley.api.SystemEventType;
import dev.parley.extension.Timestamps;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Store} must do, run against each implementation: a subclass says how to open a
 * fresh store.
 */
abstract class StoreContract {
  static final Instant AT = Instant.parse("2026-11-21T10:00:00.123Z");
  protected Store store;

  /** A fresh, empty store. */
  protected abstract Store open() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = open();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  static StoredMessage chat(
      String room, long seq, String sender, String content, List<String> mentions) {
    return new StoredMessage(
        seq,
        new Message(
            MessageIds.of(seq),
            seq,
            sender,
            room,
            content,
            Timestamps.format(AT),
            MessageKind.CHAT,
            mentions,
            null,
            seq - 1,
            seq % 2 == 0,
            ParticipantKind.AGENT,
            null),
        sender);
  }

  static StoredMessage joined(String room, long seq, String user) {
    SystemEvent event =
        new SystemEvent(SystemEventType.JOINED, user, ParticipantKind.AGENT, null, null, null);
    return new StoredMessage(
        seq,
        new Message(
            MessageIds.of(seq),
            seq,
            "system",
            room,
            user + " has joined",
            Timestamps.format(AT),
            MessageKind.SYSTEM,
            List.of(),
            event,
            null,
            null,
            null,
            null),
        user);
  }

  static SessionRecord session(String hash, String room, long cursor, List<String> draft) {
    return new SessionRecord(hash, "ada", room, cursor, draft, AT, ParticipantKind.HUMAN, false, 3);
  }

  @Test
  void roomsAndTheirMessagesComeBackInOrder() {
    store.commit(
        List.of(
            new Write.CreateRoom("b", FloorPolicy.STICK, RoomRecord.LEGACY),
            new Write.CreateRoom("a", FloorPolicy.OPEN, RoomRecord.LEGACY),
            new Write.AppendMessage(joined("a", 1, "ada")),
            new Write.AppendMessage(chat("a", 2, "ada", "hi @bob", List.of("bob")))));
    store.commit(List.of(new Write.AppendMessage(chat("a", 3, "ada", "three", List.of()))));

    assertThat(store.rooms())
        .extracting(RoomRecord::name, RoomRecord::floor)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("b", FloorPolicy.STICK),
            org.assertj.core.groups.Tuple.tuple("a", FloorPolicy.OPEN));
    assertThat(store.lastSeq("a")).isEqualTo(3);
    assertThat(store.lastSeq("b")).isZero();
    assertThat(store.lastSeq("nowhere")).isZero();
    assertThat(store.after("a", 0, 10))
        .containsExactly(
            joined("a", 1, "ada"),
            chat("a", 2, "ada", "hi @bob", List.of("bob")),
            chat("a", 3, "ada", "three", List.of()));
    assertThat(store.after("a", 1, 1)).extracting(StoredMessage::seq).containsExactly(2L);
    assertThat(store.before("a", 4, 2)).extracting(StoredMessage::seq).containsExactly(2L, 3L);
    assertThat(store.before("a", 2, 10)).extracting(StoredMessage::seq).containsExactly(1L);
    assertThat(store.after("a", 3, 10)).isEmpty();
  }

  /** A chat message of {@code room} from a sender of {@code kind} (null: stored before kinds). */
  private static StoredMessage said(String room, long seq, ParticipantKind kind) {
    StoredMessage c = chat(room, seq, "ada", "m" + seq, List.of());
    Message m = c.message();
    return new StoredMessage(
        seq,
        new Message(
            m.messageId(),
            m.seq(),
            m.senderId(),
            m.room(),
            m.content(),
            m.timestamp(),
            m.kind(),
            m.mentions(),
            m.event(),
            m.basedOn(),
            m.stale(),
            kind,
            null),
        "ada");
  }

  private static StoredMessage continued(String room, long seq) {
    StoredMessage j = joined(room, seq, "ada");
    Message m = j.message();
    SystemEvent event = new SystemEvent(SystemEventType.CONTINUED, "ada", null, null, null, null);
    return new StoredMessage(
        seq,
        new Message(
            m.messageId(),
            m.seq(),
            m.senderId(),
            m.room(),
            "ada let the agents go on",
            m.timestamp(),
            m.kind(),
            m.mentions(),
            event,
            null,
            null,
            null,
            null),
        "ada");
  }

  @Test
  void theAgentRunIsCountedBackToAPersonALegacyMessageOrAContinue() {
    store.commit(List.of(new Write.CreateRoom("a", FloorPolicy.OPEN, RoomRecord.LEGACY)));
    assertThat(store.agentRun("a", 8)).isZero();
    assertThat(store.agentRun("nowhere", 8)).isZero();
    store.commit(
        List.of(
            new Write.AppendMessage(said("a", 1, ParticipantKind.AGENT)),
            new Write.AppendMessage(said("a", 2, null)),
            new Write.AppendMessage(said("a", 3, ParticipantKind.AGENT)),
            new Write.AppendMessage(joined("a", 4, "bob")),
            new Write.AppendMessage(said("a", 5, ParticipantKind.AGENT))));
    // A join between them does not end the run; a message from before kinds were kept does.
    assertThat(store.agentRun("a", 8)).isEqualTo(2);
    assertThat(store.agentRun("a", 1)).isEqualTo(1);
    store.commit(
        List.of(
            new Write.AppendMessage(said("a", 6, ParticipantKind.HUMAN)),
            new Write.AppendMessage(said("a", 7, ParticipantKind.AGENT))));
    assertThat(store.agentRun("a", 8)).isEqualTo(1);
    store.commit(
        List.of(
            new Write.AppendMessage(continued("a", 8)),
            new Write.AppendMessage(said("a", 9, ParticipantKind.AGENT)),
            new Write.AppendMessage(said("a", 10, ParticipantKind.AGENT)),
            new Write.AppendMessage(said("a", 11, ParticipantKind.AGENT))));
    assertThat(store.agentRun("a", 8)).isEqualTo(3);
    store.commit(List.of(new Write.AppendMessage(continued("a", 12))));
    assertThat(store.agentRun("a", 8)).isZero();
  }

  @Test
  void aCreatedRoomKeepsItsFirstPolicy() {
    store.commit(List.of(new Write.CreateRoom("a", FloorPolicy.STICK, RoomRecord.LEGACY)));
    store.commit(List.of(new Write.CreateRoom("a", FloorPolicy.OPEN, RoomRecord.LEGACY)));
    assertThat(store.rooms()).extracting(RoomRecord::floor).containsExactly(FloorPolicy.STICK);
  }

  @Test
  void sessionsAreSavedReplacedAndDeletedWithTheirReplays() {
    store.commit(
        List.of(
            new Write.CreateRoom("a", FloorPolicy.OPEN, RoomRecord.LEGACY),
            new Write.SaveSession(session("h1", "a", 0, List.of())),
            new Write.SaveSession(session("h2", "a", 0, List.of()))));
    store.commit(
        List.of(
            new Write.SaveSession(session("h1", "a", 5, List.of("one ", "two"))),
            new Write.SaveReplay("a", new PushReplay("h1", "t1", 4, "2026-11-21T10:00:00.123Z"), 2),
            new Write.SaveReplay("a", new PushReplay("h1", "t2", 5, "2026-11-21T10:00:01.123Z"), 2),
            new Write.SaveReplay(
                "a", new PushReplay("h1", "t3", 6, "2026-11-21T10:00:02.123Z"), 2)));

    assertThat(store.sessions())
        .containsExactly(
            session("h1", "a", 5, List.of("one ", "two")), session("h2", "a", 0, List.of()));
    assertThat(store.replays("h1")).extracting(PushReplay::txnId).containsExactly("t2", "t3");
    assertThat(store.replays("h2")).isEmpty();

    store.commit(List.of(new Write.DeleteSession("a", "h1")));
    assertThat(store.sessions()).extracting(SessionRecord::tokenHash).containsExactly("h2");
    assertThat(store.replays("h1")).isEmpty();
  }

  @Test
  void oneRoomItsSessionsAndASessionsRoomAreReadAlone() {
    store.commit(
        List.of(
            new Write.CreateRoom("a", FloorPolicy.STICK, RoomRecord.LEGACY),
            new Write.CreateRoom("b", FloorPolicy.OPEN, RoomRecord.LEGACY),
            new Write.AppendMessage(joined("a", 1, "ada")),
            new Write.AppendMessage(joined("a", 2, "bob")),
            new Write.SaveSession(session("h1", "a", 0, List.of())),
            new Write.SaveSession(session("h2", "b", 0, List.of("x"))),
            new Write.SaveSession(session("h3", "a", 2, List.of()))));
    assertThat(store.room("a")).map(RoomRecord::floor).contains(FloorPolicy.STICK);
    assertThat(store.room("c")).isEmpty();
    assertThat(store.sessions("a"))
        .extracting(SessionRecord::tokenHash)
        .containsExactly("h1", "h3");
    assertThat(store.sessions("c")).isEmpty();
    assertThat(store.sessionRoom("h2")).contains("b");
    assertThat(store.sessionRoom("h9")).isEmpty();
    assertThat(store.roomCounts())
        .containsExactly(
            new RoomCount("a", FloorPolicy.STICK, 2, 2),
            new RoomCount("b", FloorPolicy.OPEN, 1, 0));
  }

  @Test
  void draftReplaysAreKeptPerMethodNewestFirstOutAndGoWithTheirSession() {
    store.commit(
        List.of(
            new Write.CreateRoom("a", FloorPolicy.OPEN, RoomRecord.LEGACY),
            new Write.SaveSession(session("h1", "a", 0, List.of())),
            new Write.SaveSession(session("h2", "a", 0, List.of()))));
    store.commit(
        List.of(
            new Write.SaveDraftReplay(
                "a", new DraftReplay("h1", "append", "t1", 1, "one", 3, null), 3),
            new Write.SaveDraftReplay("a", new DraftReplay("h1", "undo", "t1", 1, "", 0, null), 3),
            new Write.SaveDraftReplay(
                "a", new DraftReplay("h1", "append", "t2", 2, "x".repeat(80), 1000, 234), 3),
            new Write.SaveDraftReplay(
                "a", new DraftReplay("h1", "reset", "t3", 1, null, null, null), 3),
            new Write.SaveDraftReplay(
                "a", new DraftReplay("h2", "reset", "t1", 0, null, null, null), 3)));

    assertThat(store.draftReplays("h1"))
        .containsExactly(
            new DraftReplay("h1", "undo", "t1", 1, "", 0, null),
            new DraftReplay("h1", "append", "t2", 2, "x".repeat(80), 1000, 234),
            new DraftReplay("h1", "reset", "t3", 1, null, null, null));
    assertThat(store.draftReplays("h2"))
        .containsExactly(new DraftReplay("h2", "reset", "t1", 0, null, null, null));

    store.commit(List.of(new Write.DeleteSession("a", "h1")));
    assertThat(store.draftReplays("h1")).isEmpty();
    store.commit(List.of(new Write.DeleteRoom("a")));
    assertThat(store.draftReplays("h2")).isEmpty();
  }

  @Test
  void theStickHolderIsKept() {
    store.commit(
        List.of(
            new Write.CreateRoom("a", FloorPolicy.STICK, RoomRecord.LEGACY),
            new Write.SaveStick("a", "ada", AT)));
    assertThat(store.rooms())
        .containsExactly(
            new RoomRecord(
                "a", FloorPolicy.STICK, "ada", AT, RoomRecord.LEGACY, RoomControls.NONE));
    store.commit(List.of(new Write.SaveStick("a", null, null)));
    assertThat(store.rooms())
        .containsExactly(
            new RoomRecord(
                "a", FloorPolicy.STICK, null, null, RoomRecord.LEGACY, RoomControls.NONE));
  }

  @Test
  void aDeletedRoomTakesItsMessagesSessionsReplaysAndFloorAndOthersStay() {
    store.commit(
        List.of(
            new Write.CreateRoom("a", FloorPolicy.STICK, RoomRecord.LEGACY),
            new Write.CreateRoom("b", FloorPolicy.OPEN, RoomRecord.LEGACY),
            new Write.AppendMessage(joined("a", 1, "ada")),
            new Write.AppendMessage(chat("a", 2, "ada", "bye", List.of())),
            new Write.AppendMessage(joined("b", 1, "ada")),
            new Write.SaveStick("a", "ada", AT),
            new Write.SaveSession(session("h1", "a", 2, List.of("draft"))),
            new Write.SaveSession(session("h2", "b", 1, List.of())),
            new Write.SaveReplay(
                "a", new PushReplay("h1", "t1", 2, "2026-11-21T10:00:00.123Z"), 10),
            new Write.SaveReplay(
                "b", new PushReplay("h2", "t1", 1, "2026-11-21T10:00:00.123Z"), 10)));

    store.commit(List.of(new Write.DeleteRoom("a")));

    assertThat(store.rooms()).extracting(RoomRecord::name).containsExactly("b");
    assertThat(store.lastSeq("a")).isZero();
    assertThat(store.after("a", 0, 10)).isEmpty();
    assertThat(store.sessions()).extracting(SessionRecord::tokenHash).containsExactly("h2");
    assertThat(store.replays("h1")).isEmpty();
    assertThat(store.replays("h2")).hasSize(1);
    assertThat(store.after("b", 0, 10)).containsExactly(joined("b", 1, "ada"));
  }

  @Test
  void aRoomMadeAgainUnderADeletedNameStartsANewLogEvenInTheSameCommit() {
    store.commit(
        List.of(
            new Write.CreateRoom("a", FloorPolicy.STICK, RoomRecord.LEGACY),
            new Write.AppendMessage(joined("a", 1, "ada")),
            new Write.AppendMessage(joined("a", 2, "bob"))));
    store.commit(
        List.of(
            new Write.DeleteRoom("a"),
            new Write.CreateRoom("a", FloorPolicy.OPEN, RoomRecord.LEGACY),
            new Write.AppendMessage(joined("a", 1, "cy"))));
    assertThat(store.rooms())
        .containsExactly(
            new RoomRecord(
                "a", FloorPolicy.OPEN, null, null, RoomRecord.LEGACY, RoomControls.NONE));
    assertThat(store.after("a", 0, 10)).containsExactly(joined("a", 1, "cy"));
    store.commit(List.of(new Write.DeleteRoom("a"), new Write.DeleteRoom("nowhere")));
    assertThat(store.rooms()).isEmpty();
  }

  @Test
  void aFailedCommitStoresNothingOfIt() {
    store.commit(
        List.of(
            new Write.CreateRoom("a", FloorPolicy.OPEN, RoomRecord.LEGACY),
            new Write.AppendMessage(joined("a", 1, "ada"))));
    // The second message reuses sequence number 1: the batch is refused whole.
    assertThatThrownBy(
            () ->
                store.commit(
                    List.of(
                        new Write.AppendMessage(chat("a", 2, "ada", "two", List.of())),
                        new Write.SaveSession(session("h1", "a", 2, List.of())),
                        new Write.AppendMessage(chat("a", 1, "ada", "again", List.of())))))
        .isInstanceOf(StoreException.class);
    assertThat(store.lastSeq("a")).isEqualTo(1);
    assertThat(store.sessions()).isEmpty();
    store.commit(List.of(new Write.AppendMessage(chat("a", 2, "ada", "two", List.of()))));
    assertThat(store.lastSeq("a")).isEqualTo(2);
  }
}
