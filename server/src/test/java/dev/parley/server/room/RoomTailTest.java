package dev.parley.server.room;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.api.FloorPolicy;
import dev.parley.api.Message;
import dev.parley.api.MessageKind;
import dev.parley.server.store.MemoryStore;
import dev.parley.server.store.MessageIds;
import dev.parley.server.store.RoomRecord;
import dev.parley.server.store.StoredMessage;
import dev.parley.server.store.Write;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The in-memory tail answers like the whole log, reading the store only for what fell out. */
class RoomTailTest {
  private final MemoryStore store = new MemoryStore();

  private static StoredMessage message(long seq) {
    return new StoredMessage(
        seq,
        new Message(
            MessageIds.of(seq),
            seq,
            "ada",
            "r",
            "m" + seq,
            "2026-11-21T10:00:00.000Z",
            MessageKind.CHAT,
            List.of(),
            null,
            seq - 1,
            false,
            null,
            null),
        "ada");
  }

  private static List<Long> seqs(List<StoredMessage> messages) {
    return messages.stream().map(StoredMessage::seq).toList();
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  @Test
  void readsAcrossTheTailAndTheStoreAlike() {
    store.commit(List.of(new Write.CreateRoom("r", FloorPolicy.OPEN, RoomRecord.LEGACY)));
    RoomTail tail = new RoomTail("r", store, 3, Long.MAX_VALUE, 0);
    for (long seq = 1; seq <= 40; seq++) {
      store.commit(List.of(new Write.AppendMessage(message(seq))));
      tail.append(message(seq), seq);
    }
    assertThat(tail.lastSeq()).isEqualTo(40);
    assertThat(seqs(tail.after(38, 10))).isEqualTo(range(39, 40));
    assertThat(seqs(tail.after(30, 5))).isEqualTo(range(31, 35));
    assertThat(seqs(tail.after(30, 100))).isEqualTo(range(31, 40));
    assertThat(seqs(tail.after(0, 3))).isEqualTo(range(1, 3));
    assertThat(tail.after(40, 10)).isEmpty();
    assertThat(seqs(tail.before(41, 2))).isEqualTo(range(39, 40));
    assertThat(seqs(tail.before(41, 5))).isEqualTo(range(36, 40));
    assertThat(seqs(tail.before(20, 3))).isEqualTo(range(17, 19));
    assertThat(seqs(tail.before(3, 10))).isEqualTo(range(1, 2));
    assertThat(tail.before(1, 10)).isEmpty();
  }

  @Test
  void aMessageStaysUntilItIsStoredAndATailFillsFromTheStore() {
    store.commit(List.of(new Write.CreateRoom("r", FloorPolicy.OPEN, RoomRecord.LEGACY)));
    RoomTail tail = new RoomTail("r", store, 2, Long.MAX_VALUE, 0);
    for (long seq = 1; seq <= 10; seq++) {
      tail.append(message(seq), 0);
    }
    // Nothing is stored yet: all ten stay in memory, beyond the tail's size.
    assertThat(seqs(tail.after(0, 100))).isEqualTo(range(1, 10));
    store.commit(
        range(1, 10).stream().map(seq -> (Write) new Write.AppendMessage(message(seq))).toList());

    RoomTail fresh = new RoomTail("r", store, 2, Long.MAX_VALUE, store.lastSeq("r"));
    assertThat(seqs(fresh.after(7, 100))).isEqualTo(range(8, 10));
    assertThat(seqs(fresh.after(0, 4))).isEqualTo(range(1, 4));
    fresh.append(message(11), 10);
    assertThat(seqs(fresh.before(12, 3))).isEqualTo(range(9, 11));
  }
}
