package dev.parley.server.store;

/** The protocol's message ids: {@code msg-<n>}, n being the room's sequence number. */
public final class MessageIds {
  private static final String PREFIX = "msg-";

  private MessageIds() {}

  /** The id of the message with sequence number {@code seq}. */
  public static String of(long seq) {
    return PREFIX + seq;
  }
}
