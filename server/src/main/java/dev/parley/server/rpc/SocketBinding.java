package dev.parley.server.rpc;

import dev.parley.server.room.Subscriber;

/**
 * The WebSocket a call came on, as the JSON-RPC layer sees it: the session it is bound to, which
 * stands in for {@code Authorization: Bearer} on each of its calls, and the subscriber that takes
 * the session's notifications.
 */
public interface SocketBinding {
  /** The token of the session the socket is bound to, or null. */
  String bearer();

  /** A {@code login} on the socket succeeded: its calls are now the session of {@code token}. */
  void bind(String token);

  /** The bound session of {@code token} logged out: the socket is bound to none. */
  void unbind(String token);

  /** What takes the bound session's messages when it subscribes. */
  Subscriber subscriber();

  /** The bound session subscribed ({@code true}) or stopped: presence goes to it or no more. */
  void subscribed(boolean on);
}
