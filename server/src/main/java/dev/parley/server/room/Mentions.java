package dev.parley.server.room;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Finds the participants a message names as {@code @username}: ignoring case, and only where the
 * name is not the start of a longer word ({@code @bob} is not in {@code @bobby}). Names may hold
 * spaces, so each participant's name is looked for rather than the text split into words.
 */
final class Mentions {
  private Mentions() {}

  static List<String> find(String content, Collection<String> participants) {
    String text = content.toLowerCase(Locale.ROOT);
    List<String> found = new ArrayList<>();
    for (String name : participants) {
      String needle = "@" + name.toLowerCase(Locale.ROOT);
      for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
        int end = at + needle.length();
        if (end == text.length() || !isNameChar(text.codePointAt(end))) {
          found.add(name);
          break;
        }
      }
    }
    return found;
  }

  private static boolean isNameChar(int c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '-';
  }
}
