package dev.parley.server.room;

import dev.parley.server.store.Store;
import dev.parley.server.store.StoredMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * The recent part of a room's log, in memory: delivery, interruption and wake-ups read it, and the
 * store is read only for what fell out of it. Bounded by a number of messages and by bytes; a
 * message leaves it only once it is durable, so that everything older is in the store. Guarded by
 * the room's lock.
 */
final class RoomTail {
  private final String room;
  private final Store store;
  private final int maxMessages;
  private final long maxBytes;

  /**
   * A growable circular buffer, oldest first: message {@code seq} sits at {@code seq - firstSeq()}.
   */
  private StoredMessage[] ring = new StoredMessage[16];

  private int head;
  private int count;
  private long bytes;
  private long lastSeq;

  /** Whether the ring has been filled from the store since the room was loaded. */
  private boolean loaded;

  RoomTail(String room, Store store, int maxMessages, long maxBytes, long lastSeq) {
    this.room = room;
    this.store = store;
    this.maxMessages = Math.max(1, maxMessages);
    this.maxBytes = maxBytes;
    this.lastSeq = lastSeq;
  }

  /** The highest sequence number given out, durable or not yet. */
  long lastSeq() {
    return lastSeq;
  }

  /** Forgets the ring and takes the log's end from the store again (after a failed commit). */
  void reload(long storedLastSeq) {
    ring = new StoredMessage[16];
    head = 0;
    count = 0;
    bytes = 0;
    lastSeq = storedLastSeq;
    loaded = false;
  }

  /** Adds the message with the next sequence number; older durable ones leave past the bounds. */
  void append(StoredMessage m, long durableSeq) {
    if (m.seq() != lastSeq + 1) {
      throw new IllegalStateException(
          "room " + room + ": message " + m.seq() + " after " + lastSeq);
    }
    fill();
    addLast(m);
    lastSeq = m.seq();
    while (count > 1 && (count > maxMessages || bytes > maxBytes) && get(0).seq() <= durableSeq) {
      removeFirst();
    }
  }

  /** Messages above {@code afterSeq}, oldest first, at most {@code limit}. */
  List<StoredMessage> after(long afterSeq, int limit) {
    fill();
    List<StoredMessage> out = new ArrayList<>();
    if (afterSeq >= lastSeq || limit <= 0) {
      return out;
    }
    long first = firstSeq();
    if (afterSeq + 1 < first) {
      out.addAll(store.after(room, afterSeq, limit));
      afterSeq = out.isEmpty() ? first - 1 : out.get(out.size() - 1).seq();
    }
    for (int i = (int) Math.max(0, afterSeq + 1 - first); i < count && out.size() < limit; i++) {
      out.add(get(i));
    }
    return out;
  }

  /** Messages below {@code beforeSeq}, the newest {@code limit} of them, oldest first. */
  List<StoredMessage> before(long beforeSeq, int limit) {
    fill();
    long first = firstSeq();
    int end = (int) Math.min(count, Math.max(0, beforeSeq - first));
    int start = Math.max(0, end - limit);
    List<StoredMessage> out = new ArrayList<>(end - start);
    for (int i = start; i < end; i++) {
      out.add(get(i));
    }
    long below = out.isEmpty() ? Math.min(beforeSeq, first) : out.get(0).seq();
    if (out.size() < limit && below > 1) {
      out.addAll(0, store.before(room, below, limit - out.size()));
    }
    return out;
  }

  /** The lowest sequence number the ring holds (one past the end when it is empty). */
  private long firstSeq() {
    return count == 0 ? lastSeq + 1 : get(0).seq();
  }

  private StoredMessage get(int i) {
    return ring[(head + i) & (ring.length - 1)];
  }

  private void addLast(StoredMessage m) {
    if (count == ring.length) {
      StoredMessage[] grown = new StoredMessage[ring.length * 2];
      for (int i = 0; i < count; i++) {
        grown[i] = get(i);
      }
      ring = grown;
      head = 0;
    }
    ring[(head + count) & (ring.length - 1)] = m;
    count++;
    bytes += m.weight();
  }

  private void removeFirst() {
    StoredMessage m = ring[head];
    ring[head] = null;
    head = (head + 1) & (ring.length - 1);
    count--;
    bytes -= m.weight();
  }

  /** Fills the ring from the store on first use, so that rooms nobody uses cost no reads. */
  private void fill() {
    if (loaded) {
      return;
    }
    loaded = true;
    if (lastSeq == 0) {
      return;
    }
    for (StoredMessage m : store.before(room, lastSeq + 1, maxMessages)) {
      addLast(m);
    }
    while (count > 1 && bytes > maxBytes) {
      removeFirst();
    }
  }
}
