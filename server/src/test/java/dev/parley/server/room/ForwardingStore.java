package dev.parley.server.room;

import dev.parley.server.store.DraftReplay;
import dev.parley.server.store.MemoryStore;
import dev.parley.server.store.PushReplay;
import dev.parley.server.store.RoomRecord;
import dev.parley.server.store.SessionRecord;
import dev.parley.server.store.Store;
import dev.parley.server.store.StoredMessage;
import dev.parley.server.store.Write;
import java.util.List;

/** A memory store whose commits a test can get in the way of. */
abstract class ForwardingStore implements Store {
  private final MemoryStore inner = new MemoryStore();

  @Override
  public void commit(List<Write> writes) {
    inner.commit(writes);
  }

  @Override
  public List<RoomRecord> rooms() {
    return inner.rooms();
  }

  @Override
  public long lastSeq(String room) {
    return inner.lastSeq(room);
  }

  @Override
  public int agentRun(String room, int atMost) {
    return inner.agentRun(room, atMost);
  }

  @Override
  public List<StoredMessage> after(String room, long afterSeq, int limit) {
    return inner.after(room, afterSeq, limit);
  }

  @Override
  public List<StoredMessage> before(String room, long beforeSeq, int limit) {
    return inner.before(room, beforeSeq, limit);
  }

  @Override
  public List<SessionRecord> sessions() {
    return inner.sessions();
  }

  @Override
  public List<PushReplay> replays(String tokenHash) {
    return inner.replays(tokenHash);
  }

  @Override
  public List<DraftReplay> draftReplays(String tokenHash) {
    return inner.draftReplays(tokenHash);
  }

  @Override
  public boolean durable() {
    return false;
  }

  @Override
  public void close() {
    inner.close();
  }
}
