package dev.parley.server.room;

import java.util.ArrayList;
import java.util.List;

/**
 * A session's unsent message: the segments appended so far. Lengths count Unicode code points, so a
 * limit never splits a character.
 */
final class Draft {
  private final List<String> segments = new ArrayList<>();
  private int length;

  /** Counts changes, so that the engine knows when the draft must be stored again. */
  private long version;

  long version() {
    return version;
  }

  int length() {
    return length;
  }

  boolean isEmpty() {
    return segments.isEmpty();
  }

  void add(String segment) {
    segments.add(segment);
    length += CodePoints.count(segment);
    version++;
  }

  /** Removes the last segment; false when there was none. */
  boolean undo() {
    if (segments.isEmpty()) {
      return false;
    }
    length -= CodePoints.count(segments.remove(segments.size() - 1));
    version++;
    return true;
  }

  /** Empties the draft; false when it was already empty. */
  boolean clear() {
    boolean had = !segments.isEmpty();
    segments.clear();
    length = 0;
    version++;
    return had;
  }

  String text() {
    return String.join("", segments);
  }

  List<String> segments() {
    return List.copyOf(segments);
  }

  /** The last {@code max} characters of the draft. */
  String suffix(int max) {
    String text = text();
    return CodePoints.tail(text, max);
  }
}
