package dev.parley.server.room;

/** Length and cutting of text by Unicode code points, the protocol's "characters". */
final class CodePoints {
  private CodePoints() {}

  static int count(String s) {
    return s.codePointCount(0, s.length());
  }

  /** The first {@code max} characters of {@code s}. */
  static String head(String s, int max) {
    return count(s) <= max ? s : s.substring(0, s.offsetByCodePoints(0, max));
  }

  /** The last {@code max} characters of {@code s}. */
  static String tail(String s, int max) {
    int n = count(s);
    return n <= max ? s : s.substring(s.offsetByCodePoints(0, n - max));
  }
}
