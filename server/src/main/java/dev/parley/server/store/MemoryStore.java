package dev.parley.server.store;

import dev.parley.api.MessageKind;
import dev.parley.api.ParticipantKind;
import dev.parley.api.SystemEventType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps everything in memory: for throwaway runs and tests. Gone when the process ends. One monitor
 * guards it all: commits are the engine's batches, reads are rare (the engine serves the recent
 * tail of each room itself).
 */
public final class MemoryStore implements Store {
  private final Map<String, RoomRecord> rooms = new LinkedHashMap<>();
  private final Map<String, List<StoredMessage>> logs = new LinkedHashMap<>();
  private final Map<String, SessionRecord> sessions = new LinkedHashMap<>();
  private final Map<String, LinkedHashMap<String, PushReplay>> replays = new LinkedHashMap<>();

  /** Each session's draft replays, keyed by method and {@code txn_id}. */
  private final Map<String, LinkedHashMap<List<String>, DraftReplay>> draftReplays =
      new LinkedHashMap<>();

  @Override
  public synchronized List<RoomRecord> rooms() {
    return List.copyOf(rooms.values());
  }

  @Override
  public synchronized long lastSeq(String room) {
    List<StoredMessage> log = logs.get(room);
    return log == null ? 0 : log.size();
  }

  @Override
  public synchronized List<StoredMessage> after(String room, long afterSeq, int limit) {
    List<StoredMessage> log = logs.getOrDefault(room, List.of());
    int from = (int) Math.min(Math.max(afterSeq, 0), log.size());
    int to = (int) Math.min((long) from + limit, log.size());
    return List.copyOf(log.subList(from, to));
  }

  @Override
  public synchronized int agentRun(String room, int atMost) {
    List<StoredMessage> log = logs.getOrDefault(room, List.of());
    int run = 0;
    for (int i = log.size() - 1; i >= 0 && run < atMost; i--) {
      var m = log.get(i).message();
      if (m.kind() == MessageKind.SYSTEM) {
        if (m.event() != null && m.event().type() == SystemEventType.CONTINUED) {
          break;
        }
      } else if (m.senderKind() == ParticipantKind.AGENT) {
        run++;
      } else {
        break;
      }
    }
    return run;
  }

  @Override
  public synchronized List<StoredMessage> before(String room, long beforeSeq, int limit) {
    List<StoredMessage> log = logs.getOrDefault(room, List.of());
    int to = (int) Math.min(Math.max(beforeSeq - 1, 0), log.size());
    int from = Math.max(0, to - limit);
    return List.copyOf(log.subList(from, to));
  }

  @Override
  public synchronized List<SessionRecord> sessions() {
    return List.copyOf(sessions.values());
  }

  @Override
  public synchronized List<PushReplay> replays(String tokenHash) {
    Map<String, PushReplay> own = replays.get(tokenHash);
    return own == null ? List.of() : List.copyOf(own.values());
  }

  @Override
  public synchronized List<DraftReplay> draftReplays(String tokenHash) {
    Map<List<String>, DraftReplay> own = draftReplays.get(tokenHash);
    return own == null ? List.of() : List.copyOf(own.values());
  }

  @Override
  public synchronized void commit(List<Write> writes) {
    checkOrder(writes);
    for (Write w : writes) {
      switch (w) {
        case Write.CreateRoom r -> {
          rooms.putIfAbsent(
              r.room(),
              new RoomRecord(r.room(), r.floor(), null, null, r.options(), RoomControls.NONE));
          logs.putIfAbsent(r.room(), new ArrayList<>());
        }
        case Write.AppendMessage a -> logs.get(a.room()).add(a.message());
        case Write.SaveSession s -> sessions.put(s.session().tokenHash(), s.session());
        case Write.DeleteSession d -> {
          sessions.remove(d.tokenHash());
          replays.remove(d.tokenHash());
          draftReplays.remove(d.tokenHash());
        }
        case Write.SaveReplay r -> {
          LinkedHashMap<String, PushReplay> own =
              replays.computeIfAbsent(r.replay().tokenHash(), t -> new LinkedHashMap<>());
          own.remove(r.replay().txnId());
          own.put(r.replay().txnId(), r.replay());
          while (own.size() > r.keep()) {
            own.pollFirstEntry();
          }
        }
        case Write.SaveDraftReplay r -> {
          LinkedHashMap<List<String>, DraftReplay> own =
              draftReplays.computeIfAbsent(r.replay().tokenHash(), t -> new LinkedHashMap<>());
          List<String> key = List.of(r.replay().method(), r.replay().txnId());
          own.remove(key);
          own.put(key, r.replay());
          while (own.size() > r.keep()) {
            own.pollFirstEntry();
          }
        }
        case Write.SaveStick st ->
            rooms.computeIfPresent(
                st.room(),
                (name, old) ->
                    new RoomRecord(
                        name,
                        old.floor(),
                        st.holder(),
                        st.claimedAt(),
                        old.options(),
                        old.controls()));
        case Write.SaveControls c ->
            rooms.computeIfPresent(
                c.room(),
                (name, old) ->
                    new RoomRecord(
                        name,
                        old.floor(),
                        old.stickHolder(),
                        old.stickClaimedAt(),
                        old.options(),
                        c.controls()));
        case Write.DeleteRoom d -> {
          rooms.remove(d.room());
          logs.remove(d.room());
          sessions
              .values()
              .removeIf(
                  s -> {
                    boolean gone = s.room().equals(d.room());
                    if (gone) {
                      replays.remove(s.tokenHash());
                      draftReplays.remove(s.tokenHash());
                    }
                    return gone;
                  });
        }
      }
    }
  }

  /**
   * Refuses the whole batch, before changing anything, when a message would leave a gap in its log.
   */
  private void checkOrder(List<Write> writes) {
    Map<String, Long> next = new LinkedHashMap<>();
    // Rooms deleted earlier in the batch: their stored log no longer counts.
    Set<String> deleted = new HashSet<>();
    for (Write w : writes) {
      if (w instanceof Write.DeleteRoom d) {
        deleted.add(d.room());
        next.remove(d.room());
      } else if (w instanceof Write.CreateRoom r
          && (!logs.containsKey(r.room()) || deleted.contains(r.room()))) {
        next.putIfAbsent(r.room(), 1L);
      } else if (w instanceof Write.AppendMessage a) {
        Long expected =
            next.computeIfAbsent(
                a.room(),
                r -> logs.containsKey(r) && !deleted.contains(r) ? logs.get(r).size() + 1L : null);
        if (expected == null || a.message().seq() != expected) {
          throw new StoreException(
              "memory: message " + a.message().seq() + " out of order in room " + a.room(), null);
        }
        next.put(a.room(), expected + 1);
      }
    }
  }

  @Override
  public boolean durable() {
    return false;
  }

  @Override
  public void close() {
    // Nothing to release: the data goes with the process.
  }
}
