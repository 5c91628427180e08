package dev.parley.server.room;

import dev.parley.api.AppendResult;
import dev.parley.api.CheckResult;
import dev.parley.api.FloorPolicy;
import dev.parley.api.HistoryResult;
import dev.parley.api.LoginResult;
import dev.parley.api.LogoutResult;
import dev.parley.api.Message;
import dev.parley.api.NoDraftException;
import dev.parley.api.NotLoggedInException;
import dev.parley.api.ParticipantsResult;
import dev.parley.api.PreviewResult;
import dev.parley.api.PushResult;
import dev.parley.api.RateLimitedException;
import dev.parley.api.ResetResult;
import dev.parley.api.RoomSummary;
import dev.parley.api.RoomsResult;
import dev.parley.api.TalkingStickResult;
import dev.parley.api.UndoResult;
import dev.parley.api.UsernameTakenException;
import dev.parley.api.WakeOn;
import dev.parley.server.ServerLimits;
import dev.parley.server.store.RoomRecord;
import dev.parley.server.store.StoredMessage;
import dev.parley.server.store.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The room engine: every rule of the action protocol, behind one method per protocol method.
 * Transports (HTTP, and later WebSocket and MCP) only translate to and from these calls.
 *
 * <p>Each call on a session runs under its room's lock, so the rules see one consistent room:
 * a push's interruption check, the append of its message and the delivery of what arrived are
 * one step. A {@code check} waits on the room's condition, releasing the lock meanwhile.
 */
public final class RoomEngine implements AutoCloseable {
  /** Ended sessions remembered, so that their callers hear "expired" rather than "unknown". */
  private static final int ENDED_MEMORY = 10_000;
  private static final String APPEND_EMPTY = "empty text: nothing to append";

  private final Store store;
  private final ServerLimits limits;
  private final FloorPolicy defaultFloor;
  private final Clock clock;
  private final Map<String, Room> rooms = new ConcurrentHashMap<>();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Map<String, Boolean> ended = java.util.Collections.synchronizedMap(
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > ENDED_MEMORY;
        }
      });
  private final ScheduledExecutorService reaper;
  private volatile boolean closed;

  /**
   * @param store where rooms and messages live
   * @param limits the limits to enforce
   * @param defaultFloor the policy of rooms created without one
   * @param clock the source of message timestamps
   */
  public RoomEngine(Store store, ServerLimits limits, FloorPolicy defaultFloor, Clock clock) {
    this.store = store;
    this.limits = limits;
    this.defaultFloor = defaultFloor;
    this.clock = clock;
    store.rooms().forEach(r -> rooms.put(r.name(), new Room(r.name(), r.floor(), store, clock)));
    this.reaper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "parley-reaper");
      t.setDaemon(true);
      return t;
    });
    long period = Math.max(10, Math.min(1000,
        Math.min(limits.sessionTtl().toMillis(), limits.stickHold().toMillis()) / 4));
    reaper.scheduleWithFixedDelay(this::reap, period, period, TimeUnit.MILLISECONDS);
  }

  /** Creates a room ahead of any login, with its floor policy; an existing room keeps its own. */
  public void createRoom(String name, FloorPolicy floor) {
    room(name, floor);
  }

  /** The protocol's {@code login}. */
  public LoginResult login(String username, String roomName, FloorPolicy floor, String resume) {
    if (Room.key(username).equals(Room.SYSTEM)) {
      throw new UsernameTakenException(Map.of("username", username, "room", roomName));
    }
    Room room = room(roomName, floor);
    room.lock.lock();
    try {
      long now = System.nanoTime();
      if (resume != null) {
        Session old = sessions.get(resume);
        if (old != null && !old.ended) {
          if (old.room != room || !Room.key(old.username).equals(Room.key(username))) {
            throw notLoggedIn("mismatch", "resume names a session of another user or room");
          }
          old.lastActive = now;
          return loginResult(old, true, room.deliver(old));
        }
      }
      if (room.member(username) != null) {
        throw new UsernameTakenException(Map.of("username", username, "room", room.name));
      }
      Session s = new Session(SessionTokens.create(), username, room,
          new RateLimiter(limits.ratePerSecond(), limits.rateBurst(), now), now);
      List<Message> tail = new ArrayList<>();
      for (StoredMessage m : store.before(room.name, room.lastSeq() + 1, limits.loginTail())) {
        tail.add(m.message());
      }
      room.join(s);
      sessions.put(s.token, s);
      room.system(username, username + " has joined");
      s.cursor = room.lastSeq();
      return loginResult(s, false, tail);
    } finally {
      room.lock.unlock();
    }
  }

  private LoginResult loginResult(Session s, boolean resumed, List<Message> messages) {
    return new LoginResult(s.token, s.username, s.room.name, s.room.floor, resumed,
        s.room.participants(), messages, limits.toApi());
  }

  /** The protocol's {@code logout}: idempotent. */
  public LogoutResult logout(String token) {
    if (token == null) {
      throw notLoggedIn("missing", "no session: send Authorization: Bearer <session>");
    }
    Session s = sessions.get(token);
    if (s == null) {
      return new LogoutResult(0, List.of());
    }
    Room room = s.room;
    room.lock.lock();
    try {
      if (s.ended) {
        return new LogoutResult(0, List.of());
      }
      List<Message> delivered = room.deliver(s);
      end(s, s.username + " has left");
      return new LogoutResult(1, delivered);
    } finally {
      room.lock.unlock();
    }
  }

  /** The protocol's {@code append}. */
  public AppendResult append(String token, String text) {
    return withSession(token, s -> {
      ContentPolicy.check(text);
      s.room.stick.checkMayWrite(s);
      int length = CodePoints.count(text);
      if (length == 0) {
        return appendResult(s, 0, null, APPEND_EMPTY);
      }
      String kept = CodePoints.head(text, limits.appendChars());
      int dropped = length - CodePoints.count(kept);
      if (s.draft.length() + CodePoints.count(kept) > limits.messageChars()) {
        return appendResult(s, 0, null, "the draft would pass " + limits.messageChars()
            + " characters: push or shorten it first");
      }
      s.draft.add(kept);
      return dropped > 0 ? appendResult(s, 2, dropped, null) : appendResult(s, 1, null, null);
    });
  }

  private AppendResult appendResult(Session s, int status, Integer truncated, String reason) {
    return new AppendResult(status, s.draft.suffix(80), s.draft.length(), truncated, reason,
        s.room.deliver(s));
  }

  /** The protocol's {@code undo}. */
  public UndoResult undo(String token) {
    return withSession(token, s -> {
      int status = s.draft.undo() ? 1 : 0;
      return new UndoResult(status, s.draft.suffix(80), s.draft.length(), s.room.deliver(s));
    });
  }

  /** The protocol's {@code reset}: empties the draft and gives up the floor. */
  public ResetResult reset(String token) {
    return withSession(token, s -> {
      int status = s.draft.clear() ? 1 : 0;
      releaseStick(s, s.username + " released the talking stick");
      return new ResetResult(status, s.room.deliver(s));
    });
  }

  /** The protocol's {@code push}, with the interruption rule and idempotent {@code txn_id}. */
  public PushResult push(String token, boolean force, String txnId) {
    return withSession(token, s -> {
      Room room = s.room;
      PushResult first = s.sent(txnId);
      if (first != null) {
        List<Message> messages = new ArrayList<>(first.messages());
        messages.addAll(room.deliver(s));
        return new PushResult(first.status(), first.messageId(), first.timestamp(), first.interrupted(), messages);
      }
      room.stick.checkMayWrite(s);
      if (s.draft.isEmpty()) {
        throw new NoDraftException(Map.of("detail", "the draft is empty: append before you push"));
      }
      if (!force && interrupts(room.pending(s))) {
        return new PushResult(0, null, null, true, room.deliver(s));
      }
      List<Message> arrived = room.deliver(s);
      StoredMessage sent = room.chat(s, s.draft.text());
      s.draft.clear();
      releaseStick(s, s.username + " released the talking stick");
      s.cursor = room.lastSeq();
      PushResult result = new PushResult(1, sent.message().messageId(), sent.message().timestamp(), null, arrived);
      s.rememberSent(txnId, result);
      return result;
    });
  }

  /** Only chat messages from others interrupt a push; joins, leaves and floor changes do not. */
  private static boolean interrupts(List<StoredMessage> pending) {
    return pending.stream().anyMatch(m -> m.message().kind() == dev.parley.api.MessageKind.CHAT);
  }

  /** The protocol's {@code check}: waits for a message, at most {@code timeoutMs} (capped). */
  public CheckResult check(String token, long timeoutMs, WakeOn wakeOn) {
    return withSession(token, s -> {
      Room room = s.room;
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(timeoutMs, limits.checkTimeoutCapMs()));
      s.pendingChecks++;
      try {
        while (true) {
          List<StoredMessage> pending = room.pending(s);
          if (wakes(pending, s, wakeOn)) {
            return new CheckResult(1, room.deliver(s));
          }
          long left = deadline - System.nanoTime();
          if (left <= 0 || closed) {
            return new CheckResult(0, room.deliver(s));
          }
          room.changed.awaitNanos(left);
          if (s.ended) {
            throw notLoggedIn("expired", "the session ended while it waited");
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new CheckResult(0, room.deliver(s));
      } finally {
        s.pendingChecks--;
      }
    });
  }

  private static boolean wakes(List<StoredMessage> pending, Session s, WakeOn wakeOn) {
    if (wakeOn == WakeOn.MENTION) {
      return pending.stream().anyMatch(m -> m.message().mentions().contains(s.username));
    }
    return !pending.isEmpty();
  }

  /** The protocol's {@code preview}. */
  public PreviewResult preview(String token) {
    return withSession(token, s -> new PreviewResult(s.draft.text(), s.draft.segments(), s.room.deliver(s)));
  }

  /** The protocol's {@code talking_stick}. */
  public TalkingStickResult talkingStick(String token) {
    return withSession(token, s -> {
      TalkingStick stick = s.room.stick;
      boolean renewal = stick.isHeldBy(s);
      boolean granted = stick.claim(s, System.nanoTime());
      if (granted && !renewal) {
        s.room.system(s.username, s.username + " has the talking stick");
      }
      return new TalkingStickResult(granted, stick.holder().username, s.room.deliver(s));
    });
  }

  /** The protocol's {@code participants}. */
  public ParticipantsResult participants(String token) {
    return withSession(token, s -> new ParticipantsResult(s.room.participants(), s.room.deliver(s)));
  }

  /**
   * The protocol's {@code history}: a page of the log by sequence number; moves no cursor.
   *
   * @param before only messages below this sequence number, or null
   * @param after only messages above this sequence number, or null
   * @param limit the page size, at most {@link ServerLimits#historyPage()}
   */
  public HistoryResult history(String token, Long before, Long after, int limit) {
    return withSession(token, s -> {
      int n = Math.min(limit, limits.historyPage());
      String room = s.room.name;
      List<StoredMessage> page;
      boolean more;
      if (after != null) {
        page = new ArrayList<>(store.after(room, after, n + 1));
        if (before != null) {
          page.removeIf(m -> m.seq() >= before);
        }
        more = page.size() > n;
        page = page.subList(0, Math.min(n, page.size()));
      } else {
        long below = before != null ? before : s.room.lastSeq() + 1;
        page = store.before(room, below, n + 1);
        more = page.size() > n;
        page = page.subList(Math.max(0, page.size() - n), page.size());
      }
      return new HistoryResult(page.stream().map(StoredMessage::message).toList(), more);
    });
  }

  /** The protocol's {@code rooms}. */
  public RoomsResult rooms() {
    List<RoomSummary> out = new ArrayList<>();
    for (RoomRecord record : store.rooms()) {
      String name = record.name();
      Room room = rooms.get(name);
      if (room != null) {
        out.add(new RoomSummary(name, room.floor, room.size(), (int) store.lastSeq(name)));
      }
    }
    return new RoomsResult(out);
  }

  /** Live sessions, for health reporting. */
  public int sessionCount() {
    return sessions.size();
  }

  /** Rooms, for health reporting. */
  public int roomCount() {
    return rooms.size();
  }

  @Override
  public void close() {
    closed = true;
    reaper.shutdownNow();
    for (Room room : rooms.values()) {
      room.lock.lock();
      try {
        room.changed.signalAll();
      } finally {
        room.lock.unlock();
      }
    }
  }

  private Room room(String name, FloorPolicy floor) {
    return rooms.computeIfAbsent(name, n -> {
      FloorPolicy policy = store.ensureRoom(n, floor != null ? floor : defaultFloor);
      return new Room(n, policy, store, clock);
    });
  }

  /** Runs {@code action} on the caller's live session under its room's lock. */
  private <T> T withSession(String token, Function<Session, T> action) {
    Session s = session(token);
    long retryAfter = s.rate.acquire(System.nanoTime());
    if (retryAfter > 0) {
      throw new RateLimitedException(Map.of("retry_after_ms", retryAfter));
    }
    s.room.lock.lock();
    try {
      if (s.ended) {
        throw notLoggedIn("expired", "the session has ended: log in again");
      }
      try {
        return action.apply(s);
      } finally {
        s.lastActive = System.nanoTime();
      }
    } finally {
      s.room.lock.unlock();
    }
  }

  private Session session(String token) {
    if (token == null) {
      throw notLoggedIn("missing", "no session: call login, then send Authorization: Bearer <session>");
    }
    Session s = sessions.get(token);
    if (s == null) {
      throw ended.containsKey(token)
          ? notLoggedIn("expired", "the session has ended: log in again")
          : notLoggedIn("unknown", "no such session: log in first");
    }
    return s;
  }

  private static NotLoggedInException notLoggedIn(String reason, String detail) {
    return new NotLoggedInException(Map.of("reason", reason, "detail", detail));
  }

  /** Ends {@code s}: out of the room, its stick released, the room told. Under the room lock. */
  private void end(Session s, String farewell) {
    Room room = s.room;
    s.ended = true;
    s.draft.clear();
    sessions.remove(s.token);
    ended.put(s.token, Boolean.TRUE);
    room.remove(s);
    releaseStick(s, s.username + " released the talking stick");
    room.system(s.username, farewell);
  }

  private void releaseStick(Session s, String announcement) {
    if (s.room.stick.release(s)) {
      s.room.system(s.username, announcement);
    }
  }

  /** Expires idle sessions and overdue talking sticks. */
  private void reap() {
    long now = System.nanoTime();
    long ttl = limits.sessionTtl().toNanos();
    long hold = limits.stickHold().toNanos();
    for (Room room : rooms.values()) {
      room.lock.lock();
      try {
        for (Session s : List.copyOf(room.members())) {
          if (s.pendingChecks == 0 && now - s.lastActive >= ttl) {
            end(s, s.username + " has left (session expired)");
          }
        }
        Session holder = room.stick.expired(now, hold);
        if (holder != null) {
          room.stick.release(holder);
          room.system(holder.username, "the talking stick of " + holder.username + " expired");
        }
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(RoomEngine.class).error("Expiry of room {} failed", room.name, e);
      } finally {
        room.lock.unlock();
      }
    }
  }
}
