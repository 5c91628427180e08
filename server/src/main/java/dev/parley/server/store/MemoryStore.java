package dev.parley.server.store;

import dev.parley.api.FloorPolicy;
import dev.parley.api.Message;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** Keeps everything in memory: for throwaway runs and tests. Gone when the process ends. */
public final class MemoryStore implements Store {
  private final Map<String, RoomRecord> rooms = new LinkedHashMap<>();
  private final Map<String, List<StoredMessage>> logs = new ConcurrentHashMap<>();
  private final Map<String, SessionRecord> sessions = new ConcurrentHashMap<>();
  private final Map<String, Map<String, String>> txns = new ConcurrentHashMap<>();

  @Override
  public synchronized FloorPolicy ensureRoom(String room, FloorPolicy floor) {
    logs.computeIfAbsent(room, r -> new ArrayList<>());
    return rooms.computeIfAbsent(room, r -> new RoomRecord(r, floor, null, null)).floor();
  }

  @Override
  public synchronized List<RoomRecord> rooms() {
    return List.copyOf(rooms.values());
  }

  @Override
  public synchronized void saveStick(String room, String holder, Instant claimedAt) {
    rooms.computeIfPresent(room, (r, old) -> new RoomRecord(r, old.floor(), holder, claimedAt));
  }

  @Override
  public StoredMessage append(String room, NewMessage m) {
    List<StoredMessage> log = log(room);
    synchronized (log) {
      long seq = log.size() + 1L;
      Message message = new Message("msg-" + seq, m.senderId(), room, m.content(),
          Timestamps.format(m.timestamp()), m.kind(), List.copyOf(m.mentions()), null);
      StoredMessage stored = new StoredMessage(seq, message, m.actor());
      log.add(stored);
      return stored;
    }
  }

  @Override
  public long lastSeq(String room) {
    List<StoredMessage> log = log(room);
    synchronized (log) {
      return log.size();
    }
  }

  @Override
  public List<StoredMessage> after(String room, long afterSeq, int limit) {
    List<StoredMessage> log = log(room);
    synchronized (log) {
      int from = (int) Math.min(Math.max(afterSeq, 0), log.size());
      int to = (int) Math.min((long) from + limit, log.size());
      return List.copyOf(log.subList(from, to));
    }
  }

  @Override
  public List<StoredMessage> before(String room, long beforeSeq, int limit) {
    List<StoredMessage> log = log(room);
    synchronized (log) {
      int to = (int) Math.min(Math.max(beforeSeq - 1, 0), log.size());
      int from = Math.max(0, to - limit);
      return List.copyOf(log.subList(from, to));
    }
  }

  @Override
  public void saveSession(SessionRecord session) {
    sessions.put(session.tokenHash(), session);
  }

  @Override
  public void deleteSession(String tokenHash) {
    sessions.remove(tokenHash);
    txns.remove(tokenHash);
  }

  @Override
  public List<SessionRecord> sessions() {
    return List.copyOf(sessions.values());
  }

  @Override
  public void saveTxn(String tokenHash, String txnId, String resultJson, int keep) {
    Map<String, String> own = txns.computeIfAbsent(tokenHash, t -> new LinkedHashMap<>());
    synchronized (own) {
      own.put(txnId, resultJson);
      for (Iterator<String> it = own.keySet().iterator(); own.size() > keep && it.hasNext(); ) {
        it.next();
        it.remove();
      }
    }
  }

  @Override
  public Map<String, String> txns(String tokenHash) {
    Map<String, String> own = txns.getOrDefault(tokenHash, Map.of());
    synchronized (own) {
      return new LinkedHashMap<>(own);
    }
  }

  @Override
  public <T> T transaction(Supplier<T> work) {
    // Nothing to commit: every write is visible at once and gone with the process anyway.
    return work.get();
  }

  @Override
  public void close() {
    // Nothing to release: the data goes with the process.
  }

  private List<StoredMessage> log(String room) {
    List<StoredMessage> log = logs.get(room);
    if (log == null) {
      throw new IllegalStateException("No room " + room);
    }
    return log;
  }
}
