package dev.parley.server.store;

import java.util.OptionalLong;

/** The protocol's message ids: {@code msg-<n>}, n being the room's sequence number. */
public final class MessageIds {
  private static final String PREFIX = "msg-";

  /** Digits of the largest sequence number, so that a longer id is refused before parsing. */
  private static final int MAX_DIGITS = String.valueOf(Long.MAX_VALUE).length();

  private MessageIds() {}

  /** The id of the message with sequence number {@code seq}. */
  public static String of(long seq) {
    return PREFIX + seq;
  }

  /**
   * The sequence number {@code id} names, or empty when it is not an id {@link #of} gives out
   * (null, another shape, a sign, leading zeros, 0, beyond a long).
   */
  public static OptionalLong seq(String id) {
    if (id == null || !id.startsWith(PREFIX)) {
      return OptionalLong.empty();
    }
    String digits = id.substring(PREFIX.length());
    if (digits.isEmpty() || digits.length() > MAX_DIGITS || digits.charAt(0) == '0') {
      return OptionalLong.empty();
    }
    for (int i = 0; i < digits.length(); i++) {
      if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
        return OptionalLong.empty();
      }
    }
    try {
      return OptionalLong.of(Long.parseLong(digits));
    } catch (NumberFormatException tooLarge) {
      return OptionalLong.empty();
    }
  }
}
