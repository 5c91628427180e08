package dev.parley.viewer.observe;

import java.util.function.Predicate;

/**
 * Who may watch which rooms at {@code /observe}. The daemon with access control asks for an access
 * key; a replay, and a daemon without, let everyone watch everything.
 */
@FunctionalInterface
public interface ObserverAccess {
  /** Everyone watches every room. */
  ObserverAccess OPEN = credential -> room -> true;

  /**
   * The rooms the holder of {@code credential} may watch, asked for every frame (so that the answer
   * may change while the socket is open); refuses with the protocol's {@code
   * AccessDeniedException}, whose {@code reason} decides the HTTP status. The predicate throws it
   * too once the holder may no longer watch at all: the socket is then closed (1008).
   *
   * @param credential the bearer token ({@code Authorization: Bearer} or {@code access_token}), or
   *     null
   */
  Predicate<String> rooms(String credential);
}
