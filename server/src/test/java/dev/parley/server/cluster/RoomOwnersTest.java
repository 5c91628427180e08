package dev.parley.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.server.store.PostgresStore;
import dev.parley.server.testing.TestDatabase;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Room ownership on PostgreSQL's advisory locks: one owner at a time, each with a new epoch. */
class RoomOwnersTest {
  private static final URI FIRST = URI.create("http://10.0.0.1:8891");
  private static final URI SECOND = URI.create("http://10.0.0.2:8891");

  @RegisterExtension final TestDatabase postgres = new TestDatabase();

  @Test
  void oneDaemonAtATimeServesARoomAndEachNewOwnerHasANewEpoch() {
    try (PostgresStore store = PostgresStore.open(postgres.database(), null);
        RoomOwners second = new RoomOwners(store, () -> SECOND)) {
      RoomOwners first = new RoomOwners(store, () -> FIRST);
      assertThat(first.locate("a")).isEqualTo(new RoomOwners.Owner.Here(1));
      assertThat(first.locate("a")).isEqualTo(new RoomOwners.Owner.Here(1));
      assertThat(second.locate("a")).isEqualTo(new RoomOwners.Owner.There(FIRST));
      assertThat(second.locate("b")).isEqualTo(new RoomOwners.Owner.Here(1));
      assertThat(first.owns("a", 1)).isTrue();
      assertThat(first.owns("a", 2)).isFalse();
      assertThat(second.owns("a", 1)).isFalse();

      // The first daemon goes: its connection closes, and PostgreSQL frees its rooms.
      first.close();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                second.forget("a", FIRST);
                return second.locate("a").equals(new RoomOwners.Owner.Here(2));
              });
      assertThat(first.owns("a", 1)).isFalse();
      assertThat(second.owned()).containsEntry("a", 2L).containsEntry("b", 1L);
    }
  }
}
