package dev.parley.server.room;

import dev.parley.api.PushResult;
import dev.parley.server.store.MessageIds;
import dev.parley.server.store.PushReplay;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The idempotency rule of {@code push}: a push with a {@code txn_id} this session already sent
 * answers the first result and sends nothing. A session remembers its newest {@link #KEEP}
 * ones; the store keeps the same, so a retry after a restart is answered alike. Guarded by the
 * room's lock.
 */
final class PushReplays {
  /** How many {@code txn_id}s a session remembers; older ones may be sent again. */
  static final int KEEP = 1000;

  private final Map<String, PushReplay> byTxn = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, PushReplay> eldest) {
      return size() > KEEP;
    }
  };

  /** The remembered push of {@code txnId}, or null. */
  PushReplay find(String txnId) {
    return txnId == null ? null : byTxn.get(txnId);
  }

  void remember(PushReplay replay) {
    byTxn.remove(replay.txnId());
    byTxn.put(replay.txnId(), replay);
  }

  /** Forgets everything and takes {@code stored} instead (after a reload from the store). */
  void replaceWith(List<PushReplay> stored) {
    byTxn.clear();
    stored.forEach(this::remember);
  }

  /**
   * What a retry answers: the first result without its messages (those were delivered then;
   * a client that lost them reads them back from the history).
   */
  static PushResult answer(PushReplay replay) {
    return new PushResult(1, MessageIds.of(replay.seq()), replay.timestamp(), null, List.of());
  }
}
