package dev.parley.server.room;

import dev.parley.server.store.StoreException;
import dev.parley.server.store.Write;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A memory store whose next commits fail on demand, as a full disk would make them. */
final class FaultyStore extends ForwardingStore {
  private final AtomicInteger failNext = new AtomicInteger();

  /** Fails the next {@code n} commits that hold any write. */
  void failNext(int n) {
    failNext.set(n);
  }

  @Override
  public void commit(List<Write> writes) {
    if (!writes.isEmpty() && failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new StoreException("injected: the disk is full", null);
    }
    super.commit(writes);
  }
}
