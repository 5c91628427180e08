package dev.parley.server.room;

import dev.parley.api.PresenceState;
import dev.parley.api.PushResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One participant's login: its draft, its cursor and the pushes it may replay. Guarded by its
 * room's lock.
 */
final class Session {
  /** How many {@code txn_id}s a session remembers; older ones may be sent again. */
  static final int TXN_MEMORY = 1000;

  final String tokenHash;
  final String username;
  final Room room;
  final Draft draft = new Draft();
  final RateLimiter rate;
  /** The highest sequence number delivered to this session. */
  long cursor;
  int pendingChecks;
  /** System.nanoTime of the end of the last call. */
  long lastActive;
  boolean ended;
  /** What the store holds: when it differs from the live state, the session is saved again. */
  long storedCursor = -1;
  long storedDraftVersion = -1;
  long storedActive;
  private final Map<String, PushResult> sentByTxn = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, PushResult> eldest) {
      return size() > TXN_MEMORY;
    }
  };

  Session(String tokenHash, String username, Room room, RateLimiter rate, long now) {
    this.tokenHash = tokenHash;
    this.username = username;
    this.room = room;
    this.rate = rate;
    this.lastActive = now;
  }

  PresenceState state() {
    if (pendingChecks > 0) {
      return PresenceState.WAITING;
    }
    return draft.isEmpty() ? PresenceState.IDLE : PresenceState.DRAFTING;
  }

  PushResult sent(String txnId) {
    return txnId == null ? null : sentByTxn.get(txnId);
  }

  void rememberSent(String txnId, PushResult result) {
    sentByTxn.put(txnId, result);
  }
}
