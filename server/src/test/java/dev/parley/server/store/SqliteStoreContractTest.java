package dev.parley.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.api.FloorPolicy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on SQLite, in a fresh data directory; and what a durable store adds. */
class SqliteStoreContractTest extends StoreContract {
  @TempDir Path dataDir;

  @Override
  protected Store open() {
    return SqliteStore.open(dataDir);
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
    store = SqliteStore.open(dataDir);
    assertThat(store.after("a", 0, 10)).containsExactly(joined("a", 1, "ada"));
    assertThat(store.sessions()).containsExactly(session("h1", "a", 1, List.of("draft")));
    assertThat(store.replays("h1"))
        .containsExactly(new PushReplay("h1", "t1", 1, "2026-11-21T10:00:00.123Z"));
  }
}
