package dev.parley.server.room;

import dev.parley.api.ContentPolicyException;

/**
 * What text may hold (error 40004): no control characters but tab, line feed and carriage return,
 * and no unpaired UTF-16 surrogates, so every message is printable and encodes as UTF-8.
 */
final class ContentPolicy {
  private ContentPolicy() {}

  static void check(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r') {
        throw violation(String.format("control character U+%04X at index %d", (int) c, i));
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw violation("unpaired surrogate at index " + i);
      }
    }
  }

  private static ContentPolicyException violation(String detail) {
    return new ContentPolicyException("text may not contain a " + detail);
  }
}
