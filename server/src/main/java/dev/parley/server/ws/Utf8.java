package dev.parley.server.ws;

/** Sizes of text as a WebSocket text frame holds it. */
final class Utf8 {
  private Utf8() {}

  /** The UTF-8 length of {@code text}. */
  static long length(String text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      // A surrogate pair is 4 bytes: 2 for each half.
      bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
    }
    return bytes;
  }
}
