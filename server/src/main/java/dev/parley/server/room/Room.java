package dev.parley.server.room;

import dev.parley.api.FloorPolicy;
import dev.parley.api.Message;
import dev.parley.api.MessageKind;
import dev.parley.api.Participant;
import dev.parley.server.store.NewMessage;
import dev.parley.server.store.StoredMessage;
import dev.parley.server.store.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A room's live state: who is in it, the talking stick, and the lock and condition every
 * operation on the room (and on its sessions) goes through. The messages themselves live in
 * the store.
 */
final class Room {
  /** The most messages one response delivers; a longer backlog comes with the next calls. */
  static final int DELIVERY_MAX = 500;
  /** The sender of system messages; no participant may take this name. */
  static final String SYSTEM = "system";

  final String name;
  final FloorPolicy floor;
  final ReentrantLock lock = new ReentrantLock();
  /** Signalled whenever a message is appended or a session ends, waking pending checks. */
  final Condition changed = lock.newCondition();
  final TalkingStick stick;
  private final Map<String, Session> members = new LinkedHashMap<>();
  private final Store store;
  private final Clock clock;
  private final RoomListener listener;
  /** Messages appended by the transaction in progress, told to the listener once it commits; null when none runs. */
  private List<Message> held;

  Room(String name, FloorPolicy floor, Store store, Clock clock, RoomListener listener) {
    this.name = name;
    this.floor = floor;
    this.stick = new TalkingStick(floor);
    this.store = store;
    this.clock = clock;
    this.listener = listener;
  }

  static String key(String username) {
    return Usernames.key(username);
  }

  Session member(String username) {
    return members.get(key(username));
  }

  void join(Session s) {
    members.put(key(s.username), s);
  }

  void remove(Session s) {
    members.remove(key(s.username), s);
  }

  Collection<Session> members() {
    return members.values();
  }

  int size() {
    lock.lock();
    try {
      return members.size();
    } finally {
      lock.unlock();
    }
  }

  List<Participant> participants() {
    List<Participant> out = new ArrayList<>();
    for (Session s : members.values()) {
      out.add(new Participant(s.username, s.state(), stick.isHeldBy(s)));
    }
    return out;
  }

  /** Appends a chat message from {@code sender}; durable when this returns. */
  StoredMessage chat(Session sender, String content) {
    List<String> names = new ArrayList<>();
    for (Session s : members.values()) {
      if (s != sender) {
        names.add(s.username);
      }
    }
    return append(new NewMessage(sender.username, sender.username, MessageKind.CHAT, content,
        clock.instant(), Mentions.find(content, names)));
  }

  /** Appends a system message about {@code actor}'s doing. */
  void system(String actor, String content) {
    append(new NewMessage(SYSTEM, actor, MessageKind.SYSTEM, content, clock.instant(), List.of()));
  }

  private StoredMessage append(NewMessage m) {
    StoredMessage stored = store.append(name, m);
    if (held == null) {
      listener.message(stored.message());
    } else {
      held.add(stored.message());
    }
    changed.signalAll();
    return stored;
  }

  /** Holds back what listeners hear until the transaction in progress has committed. */
  void holdEvents() {
    held = new ArrayList<>();
  }

  /** The transaction committed: listeners hear what it appended. */
  void releaseEvents() {
    List<Message> out = held;
    held = null;
    if (out != null) {
      out.forEach(listener::message);
    }
  }

  /** The transaction failed: what it appended was never stored, so nobody hears of it. */
  void dropEvents() {
    held = null;
  }

  /**
   * What {@code s} has not been delivered yet, at most a response's worth: later than its
   * cursor and not its own doing.
   */
  List<StoredMessage> pending(Session s) {
    return notOwn(s, store.after(name, s.cursor, DELIVERY_MAX));
  }

  /**
   * The delivery rule: hands {@code s} what is pending, oldest first, and moves its cursor past
   * it (and past its own messages). Nothing is delivered twice, nothing is skipped; a backlog
   * longer than {@link #DELIVERY_MAX} comes over several responses.
   */
  List<Message> deliver(Session s) {
    List<StoredMessage> fetched = store.after(name, s.cursor, DELIVERY_MAX);
    List<Message> out = new ArrayList<>();
    for (StoredMessage m : notOwn(s, fetched)) {
      out.add(m.message());
    }
    s.cursor = fetched.size() == DELIVERY_MAX ? fetched.get(fetched.size() - 1).seq() : store.lastSeq(name);
    return out;
  }

  private static List<StoredMessage> notOwn(Session s, List<StoredMessage> messages) {
    List<StoredMessage> out = new ArrayList<>();
    String me = key(s.username);
    for (StoredMessage m : messages) {
      if (!key(m.actor()).equals(me)) {
        out.add(m);
      }
    }
    return out;
  }

  long lastSeq() {
    return store.lastSeq(name);
  }
}
