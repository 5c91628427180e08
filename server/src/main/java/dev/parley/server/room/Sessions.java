package dev.parley.server.room;

import dev.parley.api.NotLoggedInException;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is logged in: live sessions by the hash of their token, and the recently ended ones, so that
 * their callers hear "expired" rather than "unknown".
 */
final class Sessions {
  /** Ended sessions remembered. */
  private static final int ENDED_MEMORY = 10_000;

  private final Map<String, Session> live = new ConcurrentHashMap<>();

  /** Ended sessions, by token hash: whether a moderator removed it. */
  private final Map<String, Boolean> ended =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
              return size() > ENDED_MEMORY;
            }
          });

  /** The live session of {@code token}, or the error its caller gets. */
  /** Sessions whose room moved to another daemon, by token hash: their room. */
  private final Map<String, String> moved =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
              return size() > ENDED_MEMORY;
            }
          });

  Session find(String token) {
    if (token == null) {
      throw notLoggedIn(
          NotLoggedInException.Reason.MISSING,
          "no session: call login, then send Authorization: Bearer <session>");
    }
    String hash = SessionTokens.hash(token);
    Session s = live.get(hash);
    if (s == null) {
      String movedTo = moved.get(hash);
      if (movedTo != null) {
        throw new RoomMovedException(movedTo);
      }
      Boolean removed = ended.get(hash);
      if (removed == null) {
        throw notLoggedIn(NotLoggedInException.Reason.UNKNOWN, "no such session: log in first");
      }
      throw removed ? removedError() : endedError();
    }
    return s;
  }

  /** The live session of {@code token}, or null (no token, or no such live session). */
  Session live(String token) {
    return token == null ? null : live.get(SessionTokens.hash(token));
  }

  /** The live session whose token hashes to {@code hash}, or null. */
  Session byHash(String hash) {
    return live.get(hash);
  }

  void add(Session s) {
    ended.remove(s.tokenHash);
    moved.remove(s.tokenHash);
    live.put(s.tokenHash, s);
  }

  /**
   * {@code s} ended: known as ended before it is gone, so that no caller hears "unknown" meanwhile.
   */
  /** Forgets {@code s}, whose room moved to another daemon: it is not ended, only not here. */
  void moved(Session s) {
    s.moved = true;
    moved.put(s.tokenHash, s.room.name);
    live.remove(s.tokenHash, s);
  }

  void ended(Session s) {
    ended.put(s.tokenHash, s.removed);
    live.remove(s.tokenHash, s);
  }

  Collection<Session> all() {
    return live.values();
  }

  int size() {
    return live.size();
  }

  /** Throws 40010 unless {@code s} is still live. */
  static void alive(Session s) {
    if (s.moved) {
      throw new RoomMovedException(s.room.name);
    }
    if (s.ended) {
      throw s.removed ? removedError() : endedError();
    }
  }

  private static NotLoggedInException endedError() {
    return notLoggedIn(NotLoggedInException.Reason.EXPIRED, "the session has ended: log in again");
  }

  private static NotLoggedInException removedError() {
    return notLoggedIn(
        NotLoggedInException.Reason.REMOVED,
        "a moderator removed you from the room: do not log in again by yourself (the name may be"
            + " barred for a while: login says until when)");
  }

  static NotLoggedInException notLoggedIn(NotLoggedInException.Reason reason, String detail) {
    return new NotLoggedInException(detail, reason);
  }
}
