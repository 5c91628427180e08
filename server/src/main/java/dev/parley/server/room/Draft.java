package dev.parley.server.room;

import java.util.ArrayList;
import java.util.List;

/**
 * A session's unsent message: the segments appended so far. Lengths count Unicode code
 * points, so a limit never splits a character.
 */
final class Draft {
  private final List<String> segments = new ArrayList<>();
  private int length;

  int length() {
    return length;
  }

  boolean isEmpty() {
    return segments.isEmpty();
  }

  void add(String segment) {
    segments.add(segment);
    length += CodePoints.count(segment);
  }

  /** Removes the last segment; false when there was none. */
  boolean undo() {
    if (segments.isEmpty()) {
      return false;
    }
    length -= CodePoints.count(segments.remove(segments.size() - 1));
    return true;
  }

  /** Empties the draft; false when it was already empty. */
  boolean clear() {
    boolean had = !segments.isEmpty();
    segments.clear();
    length = 0;
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
