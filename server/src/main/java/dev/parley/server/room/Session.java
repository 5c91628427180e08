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

  /** A push of this call, remembered once the call's transaction has committed. */
  private String pendingTxn;
  private PushResult pendingResult;

  PushResult sent(String txnId) {
    return txnId == null ? null : sentByTxn.get(txnId);
  }

  void rememberSent(String txnId, PushResult result) {
    sentByTxn.put(txnId, result);
  }

  void pendingSent(String txnId, PushResult result) {
    pendingTxn = txnId;
    pendingResult = result;
  }

  /** The call's transaction committed: what it sent under a txn_id may now be replayed. */
  void commitPending() {
    if (pendingTxn != null) {
      rememberSent(pendingTxn, pendingResult);
    }
    pendingTxn = null;
    pendingResult = null;
  }

  /** What a call may change, taken before it so that a failed transaction can be undone. */
  record Snapshot(long cursor, java.util.List<String> draft, Session stickHolder, long stickClaimedAt) {}

  Snapshot snapshot() {
    return new Snapshot(cursor, draft.segments(), room.stick.holder(), room.stick.claimedAt());
  }

  void restore(Snapshot before) {
    cursor = before.cursor();
    if (!draft.segments().equals(before.draft())) {
      draft.clear();
      before.draft().forEach(draft::add);
    }
    room.stick.restore(before.stickHolder(), before.stickClaimedAt());
    pendingTxn = null;
    pendingResult = null;
  }
}
