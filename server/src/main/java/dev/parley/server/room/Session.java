package dev.parley.server.room;

import dev.parley.api.ParticipantKind;
import dev.parley.api.PresenceState;
import dev.parley.server.store.SessionRecord;
import dev.parley.spec.PresenceRule;
import java.time.Clock;
import java.time.Instant;

/**
 * One participant's login: its draft, its cursor and the calls it may replay. Guarded by its room's
 * lock, but for {@link #ended}, which a caller may read before it takes the lock.
 */
final class Session {
  final String tokenHash;
  final String username;
  final Room room;
  final Draft draft = new Draft();
  final RateLimiter rate;
  final TxnReplays replays = new TxnReplays();

  /** The wake-ups its messages' mentions may still cause this minute; not stored. */
  final WakeBudget wakes = new WakeBudget();

  /**
   * Whether it may moderate its room ({@link Moderation}): its key has the moderator right, or,
   * without access control, its username created the room. Decided at login, and stored.
   */
  final boolean moderator;

  /** Whether a person or a program holds the session, as its first login said. */
  final ParticipantKind kind;

  /**
   * {@link Ticker} reading of the draft's last change by {@code append} or {@code undo}; a draft
   * taken back from the store counts as changed when it was taken back.
   */
  long draftEditedAt;

  /**
   * The cursor when the draft last changed by {@code append} or {@code undo}: the draft was written
   * with every message up to it in view (a draft taken back from the store: up to the stored
   * cursor).
   */
  long draftEditedCursor;

  /** The highest sequence number delivered to this session. */
  long cursor;

  /** What was delivered to it, from when, and when (see {@link Receipts}). */
  final Receipts receipts;

  int pendingChecks;

  /**
   * The socket that takes this session's messages as they arrive, or null. A subscribed session
   * does not expire, as with a pending check: its socket's heartbeat ends the subscription when the
   * socket dies.
   */
  Subscriber subscriber;

  /** {@link Ticker} reading of the end of the last call. */
  long lastActive;

  volatile boolean ended;

  /** Set with {@link #ended} when a moderator removed the session. */
  volatile boolean removed;

  /**
   * Set when its room moved to another daemon: the session lives on there, and a call that found it
   * here must be sent there instead.
   */
  volatile boolean moved;

  /** What the store holds: when it differs from the live state, the session is saved again. */
  long storedCursor = -1;

  long storedDraftVersion = -1;
  long storedActive;

  Session(
      String tokenHash,
      String username,
      Room room,
      RateLimiter rate,
      long now,
      boolean moderator,
      ParticipantKind kind,
      Receipts receipts) {
    this.tokenHash = tokenHash;
    this.receipts = receipts;
    this.kind = kind;
    this.username = username;
    this.room = room;
    this.rate = rate;
    this.lastActive = now;
    this.draftEditedAt = now;
    this.moderator = moderator;
  }

  /**
   * The presence rule: drafting while the draft is non-empty, else waiting while a check is
   * pending, else idle.
   */
  PresenceState state() {
    return PresenceRule.state(pendingChecks, !draft.isEmpty());
  }

  /** The session as the store keeps it, its last activity told in wall time. */
  SessionRecord record(Clock clock, long now) {
    Instant active = clock.instant().minusNanos(Math.max(0, now - lastActive));
    return new SessionRecord(
        tokenHash,
        username,
        room.name,
        cursor,
        draft.segments(),
        active,
        kind,
        moderator,
        receipts.sinceSeq);
  }

  /** Notes that the store now holds this state. */
  void stored(long now) {
    storedCursor = cursor;
    storedDraftVersion = draft.version();
    storedActive = now;
  }

  /**
   * The draft changed now ({@link Ticker} reading {@code nanos}), with what was delivered in view.
   */
  void draftEdited(long nanos) {
    draftEditedAt = nanos;
    draftEditedCursor = cursor;
  }

  /** Takes the stored state back (at start, or after a failed commit). */
  void restore(SessionRecord record, long now) {
    cursor = record.cursor();
    receipts.restore(record.sinceSeq(), record.cursor());
    draft.clear();
    record.draft().forEach(draft::add);
    draftEditedAt = now;
    draftEditedCursor = cursor;
    stored(now);
  }
}
