package dev.parley.viewer.observe;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The recent {@code chat_message} frames of each room, as sent, so that an observer who arrives
 * after a conversation is shown it. Bounded in bytes: per room, and over all rooms, where the room
 * quiet the longest gives up its oldest frames first. Thread-safe.
 */
final class FrameHistory {
  private final long roomBytes;
  private final long totalBytes;

  /** By room ("" for frames of no room), the room written to last at the end. */
  private final LinkedHashMap<String, Kept> rooms = new LinkedHashMap<>(16, 0.75f, true);

  private long bytes;
  private long seq;

  /**
   * @param roomBytes most bytes of frames one room keeps
   * @param totalBytes most bytes of frames all rooms keep together
   */
  FrameHistory(long roomBytes, long totalBytes) {
    this.roomBytes = roomBytes;
    this.totalBytes = totalBytes;
  }

  /** Keeps a frame of {@code room} (null: of no room), written as {@code text}. */
  synchronized void add(String room, String text, long size) {
    if (size > roomBytes) {
      return;
    }
    Kept kept = rooms.computeIfAbsent(key(room), r -> new Kept());
    kept.frames.addLast(new Entry(room, text, size, seq++));
    kept.bytes += size;
    bytes += size;
    while (kept.bytes > roomBytes) {
      bytes -= kept.dropOldest();
    }
    Iterator<Map.Entry<String, Kept>> quietest = rooms.entrySet().iterator();
    while (bytes > totalBytes && quietest.hasNext()) {
      Kept oldest = quietest.next().getValue();
      while (bytes > totalBytes && !oldest.frames.isEmpty()) {
        bytes -= oldest.dropOldest();
      }
      if (oldest.frames.isEmpty()) {
        quietest.remove();
      }
    }
  }

  /**
   * The kept frames of the rooms {@code sees} accepts (given null for frames of no room), oldest
   * first, at most the last {@code limit}.
   */
  synchronized List<Entry> frames(Predicate<String> sees, int limit) {
    List<Entry> out = new ArrayList<>();
    rooms.forEach(
        (r, kept) -> {
          if (sees.test(r.isEmpty() ? null : r)) {
            out.addAll(kept.frames);
          }
        });
    out.sort(Comparator.comparingLong(Entry::seq));
    return out.subList(Math.max(0, out.size() - limit), out.size());
  }

  /** Forgets one room. */
  synchronized void forget(String room) {
    Kept kept = rooms.remove(key(room));
    if (kept != null) {
      bytes -= kept.bytes;
    }
  }

  /** Forgets every room, as at the start of a replay loop. */
  synchronized void clear() {
    rooms.clear();
    bytes = 0;
  }

  /** Bytes kept, all rooms together. */
  synchronized long bytes() {
    return bytes;
  }

  private static String key(String room) {
    return room == null ? "" : room;
  }

  /** One kept frame: its room, its text and UTF-8 size, and its place in the order of all. */
  record Entry(String room, String text, long size, long seq) {}

  /** One room's frames and their bytes. */
  private static final class Kept {
    final Deque<Entry> frames = new ArrayDeque<>();
    long bytes;

    long dropOldest() {
      long size = frames.removeFirst().size();
      bytes -= size;
      return size;
    }
  }
}
