package dev.parley.server.room;

import dev.parley.api.FloorPolicy;
import dev.parley.api.Message;
import dev.parley.api.MessageKind;
import dev.parley.api.Participant;
import dev.parley.api.ParticipantKind;
import dev.parley.api.RoomOptions;
import dev.parley.api.SystemEvent;
import dev.parley.extension.Timestamps;
import dev.parley.server.json.MessageJson;
import dev.parley.server.store.MessageIds;
import dev.parley.server.store.RoomControls;
import dev.parley.server.store.StoredMessage;
import dev.parley.spec.SystemMessages;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A room's live state: who is in it, the talking stick, the recent tail of its log, and the lock
 * every operation on the room (and on its sessions) goes through. The lock guards memory only: no
 * store I/O runs under it but for reading what fell out of the tail.
 */
final class Room {
  /** The sender of system messages; no participant may take this name. */
  static final String SYSTEM = "system";

  final String name;
  final FloorPolicy floor;

  /** Its options, each filled in, fixed when it was created. */
  final RoomOptions options;

  final ReentrantLock lock = new ReentrantLock();

  /** Who may moderate it, whether it is paused, whom moderators muted or removed. */
  final Moderation moderation;

  /** The agent messages in a row, against {@code max_agent_run}. */
  final LoopGuard loopGuard = new LoopGuard();

  final TalkingStick stick;
  final RoomTail tail;

  /** What each participant was delivered and did, in memory only (see {@link Timeline}). */
  final Timeline timeline;

  /** The most messages one answer delivers; a longer backlog comes with the next calls. */
  private final int deliveryMessages;

  /** The most bytes of messages (as JSON) one answer delivers, but for a single larger message. */
  private final long deliveryBytes;

  private final Map<String, Session> members = new LinkedHashMap<>();
  private volatile int size;
  private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
  private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();

  /**
   * Bumped each time the room is reloaded from the store: changes decided before a reload were
   * decided on state that no longer holds, and the writer drops them.
   */
  volatile long epoch;

  /**
   * The epoch under which this daemon owns the room among several sharing one store (each commit
   * checks it there), or 0 for a daemon alone with its store.
   */
  volatile long ownerEpoch;

  /** Set by the writer when a commit of this room failed, until the room is reloaded. */
  volatile boolean poisoned;

  /** The highest sequence number known to be stored. */
  volatile long durableSeq;

  /**
   * Set under the lock when the room is deleted: a caller that found it before must find it again.
   */
  boolean deleted;

  /** When the engine took the room up (made or loaded): the age of a room without messages. */
  private final Instant opened;

  /** When its last message was appended; null until known (read from the tail when asked). */
  private Instant lastMessageAt;

  Room(
      String name,
      FloorPolicy floor,
      RoomOptions options,
      RoomControls controls,
      RoomTail tail,
      Instant opened,
      int deliveryMessages,
      long deliveryBytes,
      Timeline timeline) {
    this.name = name;
    this.timeline = timeline;
    this.deliveryMessages = deliveryMessages;
    this.deliveryBytes = deliveryBytes;
    this.floor = floor;
    this.options = options;
    this.moderation = Moderation.of(controls);
    this.stick = new TalkingStick(floor);
    this.tail = tail;
    this.durableSeq = tail.lastSeq();
    this.opened = opened;
  }

  /** The key under which a username is unique in a room. */
  static String key(String username) {
    return Usernames.key(username);
  }

  Session member(String username) {
    return members.get(key(username));
  }

  void join(Session s) {
    members.put(key(s.username), s);
    size = members.size();
  }

  void remove(Session s) {
    members.remove(key(s.username), s);
    size = members.size();
  }

  Collection<Session> members() {
    return members.values();
  }

  /** How many are in the room; read without the lock. */
  int size() {
    return size;
  }

  List<Participant> participants() {
    List<Participant> out = new ArrayList<>(members.size());
    for (Session s : members.values()) {
      out.add(new Participant(s.username, s.state(), stick.isHeldBy(s), s.kind));
    }
    return out;
  }

  /** The participants other than {@code sender} that {@code content} names as {@code @username}. */
  List<String> mentions(Session sender, String content) {
    List<String> names = new ArrayList<>();
    for (Session s : members.values()) {
      if (s != sender) {
        names.add(s.username);
      }
    }
    return Mentions.find(content, names);
  }

  /** How many of {@code names}, members of the room, are agents: the wake-ups naming them costs. */
  int agents(List<String> names) {
    int agents = 0;
    for (String name : names) {
      Session s = member(name);
      if (s != null && s.kind == ParticipantKind.AGENT) {
        agents++;
      }
    }
    return agents;
  }

  /**
   * Appends a chat message from {@code sender} that names {@code mentions} ({@link #mentions}),
   * with its causal stamp (see {@link CausalStamp}).
   */
  StoredMessage chat(
      Session sender, String content, List<String> mentions, Instant at, CausalStamp stamp) {
    return append(
        sender.username,
        sender.username,
        MessageKind.CHAT,
        content,
        at,
        mentions,
        null,
        stamp,
        sender.kind);
  }

  /** Appends a system message about {@code event}'s user, who caused it. */
  StoredMessage system(SystemEvent event, Instant at) {
    return system(event, at, event.user());
  }

  /**
   * Appends a system message about {@code event}, caused by {@code actor} (whom the delivery rule
   * spares it): a moderator, or {@link #SYSTEM} for a message everyone gets.
   */
  StoredMessage system(SystemEvent event, Instant at, String actor) {
    return append(
        SYSTEM,
        actor,
        MessageKind.SYSTEM,
        SystemMessages.text(event),
        at,
        List.of(),
        event,
        null,
        null);
  }

  private StoredMessage append(
      String sender,
      String actor,
      MessageKind kind,
      String content,
      Instant at,
      List<String> mentions,
      SystemEvent event,
      CausalStamp stamp,
      ParticipantKind senderKind) {
    long seq = tail.lastSeq() + 1;
    Message m =
        new Message(
            MessageIds.of(seq),
            seq,
            sender,
            name,
            content,
            Timestamps.format(at),
            kind,
            List.copyOf(mentions),
            event,
            stamp == null ? null : stamp.basedOn(),
            stamp == null ? null : stamp.stale(),
            senderKind,
            null);
    StoredMessage stored = new StoredMessage(seq, m, actor);
    tail.append(stored, durableSeq);
    lastMessageAt = at;
    return stored;
  }

  /**
   * When the room last saw a message (a chat message, or a join, leave or expiry), or, without any,
   * when the engine took it up. Under the lock.
   */
  Instant lastActivity() {
    if (lastMessageAt == null) {
      List<StoredMessage> last = tail.before(tail.lastSeq() + 1, 1);
      if (last.isEmpty()) {
        return opened;
      }
      lastMessageAt = Instant.parse(last.get(0).message().timestamp());
    }
    return lastMessageAt;
  }

  /**
   * What {@code s} has not been delivered yet, at most an answer's worth of messages: later than
   * its cursor and not its own doing.
   */
  List<StoredMessage> pending(Session s) {
    return notOwn(s, tail.after(s.cursor, deliveryMessages));
  }

  /**
   * The delivery rule: hands {@code s} what is pending, oldest first, and moves its cursor past it
   * (and past its own messages). Nothing is delivered twice, nothing is skipped; a backlog longer
   * than an answer's worth of messages or bytes comes over several answers. Each message is written
   * as JSON here, before the cursor moves: one that cannot be written fails the call with the
   * cursor where it was.
   */
  List<Message> deliver(Session s) {
    if (s.cursor >= tail.lastSeq()) {
      return List.of();
    }
    List<StoredMessage> fetched = tail.after(s.cursor, deliveryMessages);
    List<Message> out = new ArrayList<>(fetched.size());
    long bytes = 0;
    long through = s.cursor;
    boolean full = fetched.size() == deliveryMessages;
    for (StoredMessage m : fetched) {
      if (!causedBy(s, m)) {
        int size = MessageJson.bytes(m.message());
        if (!out.isEmpty() && bytes + size > deliveryBytes) {
          full = true;
          break;
        }
        bytes += size;
        out.add(m.message());
      }
      through = m.seq();
    }
    s.cursor = full ? through : tail.lastSeq();
    return out;
  }

  /**
   * The newest of {@code messages} (oldest first) that fit in an answer's bytes, oldest first: at
   * least the newest one.
   */
  List<StoredMessage> newestThatFit(List<StoredMessage> messages) {
    long bytes = 0;
    int from = messages.size();
    while (from > 0) {
      int size = MessageJson.bytes(messages.get(from - 1).message());
      if (from < messages.size() && bytes + size > deliveryBytes) {
        break;
      }
      bytes += size;
      from--;
    }
    return messages.subList(from, messages.size());
  }

  /**
   * The oldest of {@code messages} (oldest first) that fit in an answer's bytes: at least the
   * oldest one.
   */
  List<StoredMessage> oldestThatFit(List<StoredMessage> messages) {
    long bytes = 0;
    int to = 0;
    while (to < messages.size()) {
      int size = MessageJson.bytes(messages.get(to).message());
      if (to > 0 && bytes + size > deliveryBytes) {
        break;
      }
      bytes += size;
      to++;
    }
    return messages.subList(0, to);
  }

  private static List<StoredMessage> notOwn(Session s, List<StoredMessage> messages) {
    List<StoredMessage> out = new ArrayList<>(messages.size());
    for (StoredMessage m : messages) {
      if (!causedBy(s, m)) {
        out.add(m);
      }
    }
    return out;
  }

  /**
   * The own-doing rule: {@code s} caused {@code m} (its own chat message, or a system message about
   * it: its join, leave, floor claim), so the delivery rule never hands it {@code m}, and {@code
   * history} leaves it out when asked to ({@code exclude_own}). Clients rely on this one rule
   * instead of deriving it from the message.
   */
  static boolean causedBy(Session s, StoredMessage m) {
    return key(m.actor()).equals(key(s.username));
  }

  /**
   * Parks {@code w} until the next commit of this room (or a session ends, or the engine stops).
   */
  void park(Waiter w) {
    waiters.add(w);
  }

  void unpark(Waiter w) {
    waiters.remove(w);
  }

  /** Makes {@code s}'s deliveries go to {@code subscriber} too (null: to no socket). */
  void subscribe(Session s, Subscriber subscriber) {
    if (s.subscriber != null) {
      subscribers.remove(s.subscriber);
    }
    s.subscriber = subscriber;
    if (subscriber != null) {
      subscribers.add(subscriber);
    }
  }

  /**
   * The writer stored this room's messages through {@code seq}: pending checks look again, and
   * subscribed sockets ask for what is theirs.
   */
  void durable(long seq) {
    if (seq > durableSeq) {
      durableSeq = seq;
    }
    wakeAll();
    for (Subscriber s : subscribers) {
      s.wake();
    }
  }

  /** Wakes every pending check of the room; each looks at the room again itself. */
  void wakeAll() {
    for (Waiter w : waiters) {
      if (waiters.remove(w)) {
        w.wake();
      }
    }
  }
}
