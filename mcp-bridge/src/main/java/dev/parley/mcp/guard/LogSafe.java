package dev.parley.mcp.guard;

/**
 * Text from clients made safe for a log line: control characters, line and paragraph separators and
 * invisible format characters (bidi overrides, zero-width characters) become {@code \}{@code uXXXX}
 * escapes, so that a value can neither start a forged line nor hide or reorder what follows it.
 */
public final class LogSafe {
  private LogSafe() {}

  /** Whether {@code c} must not reach a log unescaped. */
  public static boolean unsafe(char c) {
    int type = Character.getType(c);
    return type == Character.CONTROL
        || type == Character.FORMAT
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }

  /** {@code text} with every unsafe character escaped; {@code null} stays {@code null}. */
  public static String escape(String text) {
    if (text == null) {
      return null;
    }
    int first = 0;
    while (first < text.length() && !unsafe(text.charAt(first))) {
      first++;
    }
    if (first == text.length()) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
    for (int i = first; i < text.length(); i++) {
      char c = text.charAt(i);
      if (unsafe(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
