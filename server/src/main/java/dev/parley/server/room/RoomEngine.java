package dev.parley.server.room;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.api.AppendResult;
import dev.parley.api.CheckResult;
import dev.parley.api.FloorPolicy;
import dev.parley.api.HistoryResult;
import dev.parley.api.LoginResult;
import dev.parley.api.LogoutResult;
import dev.parley.api.Message;
import dev.parley.api.MessageKind;
import dev.parley.api.InvalidParamsException;
import dev.parley.api.NoDraftException;
import dev.parley.api.NoteKind;
import dev.parley.api.NoteResult;
import dev.parley.api.NotLoggedInException;
import dev.parley.api.ParleyRpcException;
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
import dev.parley.server.store.SessionRecord;
import dev.parley.server.store.StoredMessage;
import dev.parley.server.store.Store;
import dev.parley.spec.SpecDocument;
import dev.parley.spec.SystemMessages;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The room engine: every rule of the action protocol, behind one method per protocol method.
 * Transports (HTTP, and through it the MCP bridge) only translate to and from these calls.
 *
 * <p>Each call on a session runs under its room's lock, so the rules see one consistent room:
 * a push's interruption check, the append of its message and the delivery of what arrived are
 * one step, and one store transaction. A {@code check} waits on the room's condition, releasing
 * the lock meanwhile. Locks are always taken room first, store second.
 *
 * <p>Everything a restart must find again is written through to the store: messages,
 * sessions with their drafts and cursors, used {@code txn_id}s and the floor holder. A new
 * engine on the same store takes them all back.
 */
public final class RoomEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RoomEngine.class);
  /** Ended sessions remembered, so that their callers hear "expired" rather than "unknown". */
  private static final int ENDED_MEMORY = 10_000;
  private static final int SUFFIX_CHARS = 80;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final java.util.regex.Pattern ROOM_NAME = SpecDocument.get().pattern("RoomName");

  private final Store store;
  private final ServerLimits limits;
  private final FloorPolicy defaultFloor;
  private final Clock clock;
  private final RoomListener listener;
  private final Map<String, Room> rooms = new ConcurrentHashMap<>();
  /** Live sessions by token hash. */
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Map<String, Boolean> ended = Collections.synchronizedMap(
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > ENDED_MEMORY;
        }
      });
  private final ScheduledExecutorService reaper;
  private volatile boolean closed;

  /**
   * Takes back the rooms and sessions {@code store} holds, ends those idle past the TTL, and
   * starts expiring idle sessions and overdue talking sticks.
   *
   * @param store where rooms, messages and sessions live
   * @param limits the limits to enforce
   * @param defaultFloor the policy of rooms created without one
   * @param clock the source of timestamps
   * @param listener hears every message and action, in order per room
   */
  public RoomEngine(Store store, ServerLimits limits, FloorPolicy defaultFloor, Clock clock, RoomListener listener) {
    this.store = store;
    this.limits = limits;
    this.defaultFloor = defaultFloor;
    this.clock = clock;
    this.listener = listener;
    restore();
    reap();
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
  public LoginResult login(String requested, String roomName, FloorPolicy floor, String resume) {
    String username = Usernames.normalise(requested);
    if (Usernames.reserved(username)) {
      throw new UsernameTakenException(Map.of("username", username, "room", roomName));
    }
    Room room = room(roomName, floor);
    room.lock.lock();
    try {
      long now = System.nanoTime();
      if (resume != null) {
        Session old = sessions.get(SessionTokens.hash(resume));
        if (old != null && !old.ended) {
          if (old.room != room || !Room.key(old.username).equals(Room.key(username))) {
            throw notLoggedIn("mismatch", "resume names a session of another user or room");
          }
          old.lastActive = now;
          List<Message> delivered = room.deliver(old);
          save(old);
          return loginResult(old, resume, true, delivered);
        }
      }
      if (Usernames.taken(username, room.members())) {
        throw new UsernameTakenException(Map.of("username", username, "room", room.name));
      }
      String token = SessionTokens.create();
      Session s = new Session(SessionTokens.hash(token), username, room,
          new RateLimiter(limits.ratePerSecond(), limits.rateBurst(), now), now);
      List<Message> tail = new ArrayList<>();
      for (StoredMessage m : store.before(room.name, room.lastSeq() + 1, limits.loginTail())) {
        tail.add(m.message());
      }
      atomically(room, () -> {
        room.system(username, SystemMessages.joined(username));
        s.cursor = room.lastSeq();
        save(s);
      });
      room.join(s);
      sessions.put(s.tokenHash, s);
      return loginResult(s, token, false, tail);
    } finally {
      room.lock.unlock();
    }
  }

  private LoginResult loginResult(Session s, String token, boolean resumed, List<Message> messages) {
    return new LoginResult(token, s.username, s.room.name, s.room.floor, resumed,
        s.room.participants(), messages, limits.toApi());
  }

  /** The protocol's {@code logout}: idempotent. */
  public LogoutResult logout(String token) {
    if (token == null) {
      throw notLoggedIn("missing", "no session: send Authorization: Bearer <session>");
    }
    Session s = sessions.get(SessionTokens.hash(token));
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
      end(s, SystemMessages.left(s.username));
      return new LogoutResult(1, delivered);
    } finally {
      room.lock.unlock();
    }
  }

  /** The protocol's {@code append}. */
  public AppendResult append(String token, String text) {
    return withSession(token, "append", arguments("text", text), s -> {
      ContentPolicy.check(text);
      s.room.stick.checkMayWrite(s);
      int length = CodePoints.count(text);
      if (length == 0) {
        return appendResult(s, 0, null, "empty text: nothing to append");
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
    return new AppendResult(status, s.draft.suffix(SUFFIX_CHARS), s.draft.length(), truncated, reason,
        s.room.deliver(s));
  }

  /** The protocol's {@code undo}. */
  public UndoResult undo(String token) {
    return withSession(token, "undo", Map.of(), s -> {
      int status = s.draft.undo() ? 1 : 0;
      return new UndoResult(status, s.draft.suffix(SUFFIX_CHARS), s.draft.length(), s.room.deliver(s));
    });
  }

  /** The protocol's {@code reset}: empties the draft and gives up the floor. */
  public ResetResult reset(String token) {
    return withSession(token, "reset", Map.of(), s -> {
      int status = s.draft.clear() ? 1 : 0;
      releaseStick(s);
      return new ResetResult(status, s.room.deliver(s));
    });
  }

  /** The protocol's {@code push}, with the interruption rule and idempotent {@code txn_id}. */
  public PushResult push(String token, boolean force, String txnId) {
    return withSession(token, "push", arguments("force", force, "txn_id", txnId), s -> {
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
      releaseStick(s);
      PushResult result = new PushResult(1, sent.message().messageId(), sent.message().timestamp(), null, arrived);
      if (txnId != null) {
        // A replay answers with the first result minus its messages: those were delivered
        // then, and a client that lost them reads them back from the history.
        PushResult remembered = new PushResult(1, result.messageId(), result.timestamp(), null, List.of());
        s.pendingSent(txnId, remembered);
        store.saveTxn(s.tokenHash, txnId, json(remembered), Session.TXN_MEMORY);
      }
      return result;
    });
  }

  /** Only chat messages from others interrupt a push; joins, leaves and floor changes do not. */
  private static boolean interrupts(List<StoredMessage> pending) {
    return pending.stream().anyMatch(m -> m.message().kind() == MessageKind.CHAT);
  }

  /** The protocol's {@code check}: waits for a message, at most {@code timeoutMs} (capped). */
  public CheckResult check(String token, long timeoutMs, WakeOn wakeOn) {
    Session s = session(token);
    Room room = s.room;
    room.lock.lock();
    try {
      alive(s);
      String method = "check";
      listener.action(room.name, s.username, method, arguments("timeout_ms", timeoutMs, "wake_on", wakeOn.wireName()), clock.instant());
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(timeoutMs, limits.checkTimeoutCapMs()));
      s.pendingChecks++;
      try {
        // The wait holds no store transaction: only the room's lock, released while parked.
        while (!wakes(room.pending(s), s, wakeOn) && !closed) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            break;
          }
          room.changed.awaitNanos(left);
          alive(s);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ParleyRpcException e) {
        told(s, method, e);
        throw e;
      } finally {
        s.pendingChecks--;
      }
      return outcome(s, method, x -> new CheckResult(wakes(room.pending(x), x, wakeOn) ? 1 : 0, room.deliver(x)));
    } finally {
      room.lock.unlock();
    }
  }

  private static boolean wakes(List<StoredMessage> pending, Session s, WakeOn wakeOn) {
    if (wakeOn == WakeOn.MENTION) {
      return pending.stream().anyMatch(m -> m.message().mentions().contains(s.username));
    }
    return !pending.isEmpty();
  }

  /** The protocol's {@code preview}. */
  public PreviewResult preview(String token) {
    return withSession(token, "preview", Map.of(), s -> new PreviewResult(s.draft.text(), s.draft.segments(), s.room.deliver(s)));
  }

  /** The protocol's {@code talking_stick}. */
  public TalkingStickResult talkingStick(String token) {
    return withSession(token, "talking_stick", Map.of(), s -> {
      TalkingStick stick = s.room.stick;
      boolean renewal = stick.isHeldBy(s);
      boolean granted = stick.claim(s, System.nanoTime());
      if (granted) {
        store.saveStick(s.room.name, s.username, clock.instant());
        if (!renewal) {
          s.room.system(s.username, SystemMessages.stickClaimed(s.username));
        }
      }
      return new TalkingStickResult(granted, stick.holder().username, s.room.deliver(s));
    });
  }

  /**
   * The protocol's {@code note}: an entry for observers and the log; delivers nothing, moves no
   * cursor.
   */
  public NoteResult note(String token, NoteKind kind, String content) {
    Session s = session(token);
    s.room.lock.lock();
    try {
      alive(s);
      ContentPolicy.check(content);
      if (CodePoints.count(content) > limits.messageChars()) {
        throw new InvalidParamsException(Map.of("pointer", "/content",
            "detail", "a note holds at most " + limits.messageChars() + " characters"));
      }
      listener.note(s.room.name, s.username, kind, content, clock.instant());
      s.lastActive = System.nanoTime();
      return new NoteResult(1);
    } finally {
      s.room.lock.unlock();
    }
  }

  /** The protocol's {@code participants}. */
  public ParticipantsResult participants(String token) {
    return withSession(token, "participants", Map.of(), s -> new ParticipantsResult(s.room.participants(), s.room.deliver(s)));
  }

  /**
   * The protocol's {@code history}: a page of the log by sequence number; moves no cursor.
   *
   * @param before only messages below this sequence number, or null
   * @param after only messages above this sequence number, or null
   * @param limit the page size, at most {@link ServerLimits#historyPage()}
   */
  public HistoryResult history(String token, Long before, Long after, int limit) {
    return withSession(token, null, Map.of(), s -> {
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
      Room room = rooms.get(record.name());
      if (room != null) {
        out.add(new RoomSummary(record.name(), room.floor, room.size(), (int) store.lastSeq(record.name())));
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

  /**
   * Stops expiring sessions and wakes every pending check. Sessions stay in the store: a new
   * engine on it takes them back.
   */
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
    // Callers other than the RPC layer (configuration, embedding) are checked here too: a room
    // name also names its log file.
    if (!ROOM_NAME.matcher(name).matches()) {
      throw new InvalidParamsException(Map.of("pointer", "/room", "detail", "not a room name: " + name));
    }
    return rooms.computeIfAbsent(name, n -> {
      FloorPolicy policy = store.ensureRoom(n, floor != null ? floor : defaultFloor);
      return new Room(n, policy, store, clock, listener);
    });
  }

  /**
   * Runs {@code action} on the caller's live session under its room's lock, telling the
   * listener about it as {@code method} (null: not an action worth logging).
   */
  private <T> T withSession(String token, String method, Map<String, Object> args, Function<Session, T> action) {
    Session s = session(token);
    s.room.lock.lock();
    try {
      alive(s);
      if (method == null) {
        return call(s, action);
      }
      listener.action(s.room.name, s.username, method, args, clock.instant());
      return outcome(s, method, action);
    } finally {
      s.room.lock.unlock();
    }
  }

  /** Runs {@code action} and tells the listener how it ended. */
  private <T> T outcome(Session s, String method, Function<Session, T> action) {
    try {
      T result = call(s, action);
      listener.outcome(s.room.name, s.username, method, result, clock.instant());
      return result;
    } catch (ParleyRpcException e) {
      told(s, method, e);
      throw e;
    }
  }

  private void told(Session s, String method, ParleyRpcException e) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", e.code());
    error.put("message", e.rpcMessage());
    if (e.data() != null) {
      error.put("data", e.data());
    }
    listener.outcome(s.room.name, s.username, method, Map.of("error", error), clock.instant());
  }

  /** An action's arguments, as given: name, value, name, value...; absent (null) ones left out. */
  private static Map<String, Object> arguments(Object... namesAndValues) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      if (namesAndValues[i + 1] != null) {
        out.put((String) namesAndValues[i], namesAndValues[i + 1]);
      }
    }
    return out;
  }

  /**
   * Runs {@code action} as one store transaction and saves the session if it changed. Under
   * the room's lock.
   */
  private <T> T call(Session s, Function<Session, T> action) {
    Session.Snapshot before = s.snapshot();
    s.room.holdEvents();
    try {
      T result = store.transaction(() -> {
        T value = action.apply(s);
        // This call is the session's latest activity: store it as such.
        s.lastActive = System.nanoTime();
        saveIfChanged(s, s.lastActive);
        return value;
      });
      s.commitPending();
      s.room.releaseEvents();
      return result;
    } catch (RuntimeException | Error e) {
      // Nothing was stored: the session, and what listeners hear, must not move either.
      s.restore(before);
      s.room.dropEvents();
      throw e;
    } finally {
      s.lastActive = System.nanoTime();
    }
  }

  /** Runs {@code work} as one store transaction; listeners hear of it once it committed. */
  private void atomically(Room room, Runnable work) {
    room.holdEvents();
    try {
      store.transaction(() -> {
        work.run();
        return null;
      });
      room.releaseEvents();
    } catch (RuntimeException | Error e) {
      room.dropEvents();
      throw e;
    }
  }

  private Session session(String token) {
    if (token == null) {
      throw notLoggedIn("missing", "no session: call login, then send Authorization: Bearer <session>");
    }
    String hash = SessionTokens.hash(token);
    Session s = sessions.get(hash);
    if (s == null) {
      throw ended.containsKey(hash)
          ? notLoggedIn("expired", "the session has ended: log in again")
          : notLoggedIn("unknown", "no such session: log in first");
    }
    long retryAfter = s.rate.acquire(System.nanoTime());
    if (retryAfter > 0) {
      throw new RateLimitedException(Map.of("retry_after_ms", retryAfter));
    }
    return s;
  }

  private static void alive(Session s) {
    if (s.ended) {
      throw notLoggedIn("expired", "the session has ended: log in again");
    }
  }

  private static NotLoggedInException notLoggedIn(String reason, String detail) {
    return new NotLoggedInException(Map.of("reason", reason, "detail", detail));
  }

  /**
   * Saves the session when its cursor or draft moved, or its last activity is stale in the
   * store by a tenth of the TTL (so that a restart judges idleness nearly right without a
   * write per call).
   */
  private void saveIfChanged(Session s, long now) {
    long staleAfter = limits.sessionTtl().toNanos() / 10;
    if (s.cursor != s.storedCursor || s.draft.version() != s.storedDraftVersion || now - s.storedActive >= staleAfter) {
      save(s);
    }
  }

  private void save(Session s) {
    long now = System.nanoTime();
    store.saveSession(new SessionRecord(s.tokenHash, s.username, s.room.name, s.cursor, s.draft.segments(),
        clock.instant().minusNanos(Math.max(0, now - s.lastActive))));
    s.storedCursor = s.cursor;
    s.storedDraftVersion = s.draft.version();
    s.storedActive = now;
  }

  /** Ends {@code s}: out of the room and the store, its stick released, the room told. Under the room lock. */
  private void end(Session s, String farewell) {
    Room room = s.room;
    atomically(room, () -> {
      releaseStick(s);
      room.system(s.username, farewell);
      store.deleteSession(s.tokenHash);
    });
    s.ended = true;
    s.draft.clear();
    // Known as ended before it is gone, so that no caller ever hears "unknown" meanwhile.
    ended.put(s.tokenHash, Boolean.TRUE);
    sessions.remove(s.tokenHash);
    room.remove(s);
  }

  private void releaseStick(Session s) {
    if (s.room.stick.release(s)) {
      store.saveStick(s.room.name, null, null);
      s.room.system(s.username, SystemMessages.stickReleased(s.username));
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
            end(s, SystemMessages.expired(s.username));
          }
        }
        Session holder = room.stick.expired(now, hold);
        if (holder != null) {
          atomically(room, () -> {
            room.stick.release(holder);
            store.saveStick(room.name, null, null);
            room.system(holder.username, SystemMessages.stickExpired(holder.username));
          });
        }
      } catch (RuntimeException e) {
        LOG.error("Expiry in room {} failed", room.name, e);
      } finally {
        room.lock.unlock();
      }
    }
  }

  /** Takes back the rooms, sessions, txn_ids and floor holders the store holds. */
  private void restore() {
    long now = System.nanoTime();
    Instant wallNow = clock.instant();
    for (RoomRecord r : store.rooms()) {
      rooms.put(r.name(), new Room(r.name(), r.floor(), store, clock, listener));
    }
    for (SessionRecord record : store.sessions()) {
      Room room = rooms.get(record.room());
      Session s = new Session(record.tokenHash(), record.username(), room,
          new RateLimiter(limits.ratePerSecond(), limits.rateBurst(), now), now - nanosSince(record.lastActive(), wallNow));
      s.cursor = record.cursor();
      record.draft().forEach(s.draft::add);
      s.storedCursor = s.cursor;
      s.storedDraftVersion = s.draft.version();
      s.storedActive = now;
      store.txns(record.tokenHash()).forEach((txn, result) -> s.rememberSent(txn, parse(result)));
      room.join(s);
      sessions.put(s.tokenHash, s);
    }
    for (RoomRecord r : store.rooms()) {
      Session holder = r.stickHolder() == null ? null : rooms.get(r.name()).member(r.stickHolder());
      if (holder != null) {
        holder.room.stick.claim(holder, now - nanosSince(r.stickClaimedAt(), wallNow));
      }
    }
    if (!sessions.isEmpty()) {
      LOG.info("Took back {} sessions in {} rooms", sessions.size(), rooms.size());
    }
  }

  private static long nanosSince(Instant then, Instant now) {
    return Math.max(0, Duration.between(then, now).toNanos());
  }

  private static String json(PushResult result) {
    try {
      return JSON.writeValueAsString(result);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static PushResult parse(String json) {
    try {
      return JSON.readValue(json, PushResult.class);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
