package dev.parley.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.api.FloorPolicy;
import dev.parley.server.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store contract on PostgreSQL, each test in a fresh database; and what a durable store adds.
 */
class PostgresStoreContractTest extends StoreContract {
  @RegisterExtension final TestDatabase postgres = new TestDatabase();

  @Override
  protected Store open() {
    return PostgresStore.open(postgres.database(), null);
  }

  @Test
  void whatWasCommittedOutlivesTheStore() {
    assertThat(store.durable()).isTrue();
    store.commit(
        List.of(
            new Write.CreateRoom("a", FloorPolicy.OPEN, RoomRecord.LEGACY),
            new Write.AppendMessage(joined("a", 1, "ada")),
            new Write.SaveSession(session("h1", "a", 1, List.of("draft"))),
            new Write.SaveReplay(
                "a", new PushReplay("h1", "t1", 1, "2026-11-21T10:00:00.123Z"), 10)));
    store.close();
    store = PostgresStore.open(postgres.database(), null);
    assertThat(store.after("a", 0, 10)).containsExactly(joined("a", 1, "ada"));
    assertThat(store.sessions()).containsExactly(session("h1", "a", 1, List.of("draft")));
    assertThat(store.replays("h1"))
        .containsExactly(new PushReplay("h1", "t1", 1, "2026-11-21T10:00:00.123Z"));
  }

  @Test
  void aReplayedTxnIdIsTheNewestAndTheOldestGoFirst() {
    store.commit(
        List.of(
            new Write.CreateRoom("a", FloorPolicy.OPEN, RoomRecord.LEGACY),
            new Write.SaveSession(session("h1", "a", 0, List.of())),
            new Write.SaveReplay("a", new PushReplay("h1", "t1", 1, "x"), 2),
            new Write.SaveReplay("a", new PushReplay("h1", "t2", 2, "x"), 2),
            new Write.SaveReplay("a", new PushReplay("h1", "t1", 3, "x"), 2),
            new Write.SaveReplay("a", new PushReplay("h1", "t3", 4, "x"), 2)));
    assertThat(store.replays("h1")).extracting(PushReplay::txnId).containsExactly("t1", "t3");
  }

  @Test
  void aCommitUnderAnotherOwnersEpochStoresNothing() throws Exception {
    store.commit(List.of(new Write.CreateRoom("a", FloorPolicy.OPEN, RoomRecord.LEGACY)));
    try (java.sql.Connection c = ((PostgresStore) store).dedicatedConnection();
        java.sql.Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO room_owners (room, node_url, epoch) VALUES ('a', 'x', 2)");
    }
    List<Write> writes = List.of(new Write.AppendMessage(joined("a", 1, "ada")));
    assertThatThrownBy(() -> store.commit(writes, java.util.Map.of("a", 1L)))
        .isInstanceOfSatisfying(
            FencedException.class, e -> assertThat(e.rooms()).containsExactly("a"));
    assertThat(store.after("a", 0, 10)).isEmpty();
    store.commit(writes, java.util.Map.of("a", 2L));
    assertThat(store.after("a", 0, 10)).containsExactly(joined("a", 1, "ada"));
  }
}
