package dev.parley.server.store;

import dev.parley.api.FloorPolicy;
import dev.parley.api.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Keeps everything in memory: for throwaway runs and tests. Gone when the process ends. */
public final class MemoryStore implements Store {
  private final Map<String, FloorPolicy> rooms = new LinkedHashMap<>();
  private final Map<String, List<StoredMessage>> logs = new ConcurrentHashMap<>();

  @Override
  public synchronized FloorPolicy ensureRoom(String room, FloorPolicy floor) {
    logs.computeIfAbsent(room, r -> new ArrayList<>());
    return rooms.computeIfAbsent(room, r -> floor);
  }

  @Override
  public synchronized Map<String, FloorPolicy> rooms() {
    return new LinkedHashMap<>(rooms);
  }

  @Override
  public StoredMessage append(String room, NewMessage m) {
    List<StoredMessage> log = log(room);
    synchronized (log) {
      long seq = log.size() + 1L;
      Message message = new Message("msg-" + seq, m.senderId(), room, m.content(),
          Timestamps.format(m.timestamp()), m.kind(), List.copyOf(m.mentions()));
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
