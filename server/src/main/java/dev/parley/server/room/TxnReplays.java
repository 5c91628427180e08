package dev.parley.server.room;

import dev.parley.api.AppendResult;
import dev.parley.api.Message;
import dev.parley.api.PushResult;
import dev.parley.api.ResetResult;
import dev.parley.api.UndoResult;
import dev.parley.server.store.DraftReplay;
import dev.parley.server.store.MessageIds;
import dev.parley.server.store.PushReplay;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The idempotency rule of every mutating call ({@code append}, {@code undo}, {@code reset}, {@code
 * push}): a call with a {@code txn_id} this session already used for a call of the same method that
 * changed something answers the first result again and changes nothing. A call that changed nothing
 * (an interrupted push, an empty append, nothing to undo) is not remembered: its retry runs again.
 *
 * <p>A session remembers its newest {@link #KEEP} pushes and {@link #DRAFT_KEEP} draft edits; the
 * store keeps the same, so a retry after a restart is answered alike. Every entry is small and
 * bounded (a {@code txn_id} of at most 64 characters, a suffix of at most 80), so the counts bound
 * the bytes. Guarded by the room's lock.
 */
final class TxnReplays {
  /** How many push {@code txn_id}s a session remembers; older ones may be sent again. */
  static final int KEEP = 1000;

  /**
   * How many draft-edit {@code txn_id}s a session remembers. A client retries the call whose answer
   * it lost, so the newest few suffice; they are bigger than a push's (they hold a suffix).
   */
  static final int DRAFT_KEEP = 100;

  private final Map<String, PushReplay> pushes =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PushReplay> eldest) {
          return size() > KEEP;
        }
      };

  private final Map<List<String>, DraftReplay> edits =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<String>, DraftReplay> eldest) {
          return size() > DRAFT_KEEP;
        }
      };

  /** The remembered push of {@code txnId}, or null. */
  PushReplay push(String txnId) {
    return txnId == null ? null : pushes.get(txnId);
  }

  /** The remembered draft edit of {@code method} under {@code txnId}, or null. */
  DraftReplay edit(String method, String txnId) {
    return txnId == null ? null : edits.get(List.of(method, txnId));
  }

  void remember(PushReplay replay) {
    pushes.remove(replay.txnId());
    pushes.put(replay.txnId(), replay);
  }

  void remember(DraftReplay replay) {
    List<String> key = List.of(replay.method(), replay.txnId());
    edits.remove(key);
    edits.put(key, replay);
  }

  /** Forgets everything and takes the stored replays instead (after a reload from the store). */
  void replaceWith(List<PushReplay> storedPushes, List<DraftReplay> storedEdits) {
    pushes.clear();
    edits.clear();
    storedPushes.forEach(this::remember);
    storedEdits.forEach(this::remember);
  }

  /*
   * What a retry answers: the first result with the messages that arrived since, not those the
   * first answer carried (they were delivered then; a client that lost them reads them back
   * from the history).
   */

  static PushResult answer(PushReplay replay, List<Message> arrived) {
    return new PushResult(1, MessageIds.of(replay.seq()), replay.timestamp(), null, arrived, null);
  }

  static AppendResult appendAnswer(DraftReplay replay, List<Message> arrived) {
    return new AppendResult(
        replay.status(), replay.suffix(), replay.draftLength(), replay.truncated(), null, arrived);
  }

  static UndoResult undoAnswer(DraftReplay replay, List<Message> arrived) {
    return new UndoResult(replay.status(), replay.suffix(), replay.draftLength(), arrived);
  }

  static ResetResult resetAnswer(DraftReplay replay, List<Message> arrived) {
    return new ResetResult(replay.status(), arrived);
  }
}
