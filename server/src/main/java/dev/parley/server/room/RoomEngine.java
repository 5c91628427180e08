package dev.parley.server.room;

import dev.parley.api.AppendResult;
import dev.parley.api.CheckResult;
import dev.parley.api.DraftAction;
import dev.parley.api.FloorPolicy;
import dev.parley.api.HistoryResult;
import dev.parley.api.InterruptReason;
import dev.parley.api.InvalidParamsException;
import dev.parley.api.LoginResult;
import dev.parley.api.LogoutResult;
import dev.parley.api.Message;
import dev.parley.api.ModerationResult;
import dev.parley.api.NoDraftException;
import dev.parley.api.NotLoggedInException;
import dev.parley.api.NoteKind;
import dev.parley.api.NoteResult;
import dev.parley.api.ParleyRpcException;
import dev.parley.api.ParticipantKind;
import dev.parley.api.ParticipantsResult;
import dev.parley.api.PresenceNotification;
import dev.parley.api.PresenceState;
import dev.parley.api.PreviewResult;
import dev.parley.api.PushResult;
import dev.parley.api.RateLimitedException;
import dev.parley.api.Receipt;
import dev.parley.api.ReceiptsResult;
import dev.parley.api.ResetResult;
import dev.parley.api.RoomOptions;
import dev.parley.api.RoomSummary;
import dev.parley.api.RoomsResult;
import dev.parley.api.SubscribeResult;
import dev.parley.api.SystemEvent;
import dev.parley.api.SystemEventType;
import dev.parley.api.TalkingStickResult;
import dev.parley.api.TimelineEvent;
import dev.parley.api.TimelineResult;
import dev.parley.api.UndoResult;
import dev.parley.api.UsernameTakenException;
import dev.parley.api.WakeOn;
import dev.parley.extension.HistoryException;
import dev.parley.extension.MessageSeen;
import dev.parley.extension.Timestamps;
import dev.parley.extension.events.RoomEvent;
import dev.parley.extension.events.RoomEventListener;
import dev.parley.server.MemoryLimits;
import dev.parley.server.ServerConfig;
import dev.parley.server.ServerLimits;
import dev.parley.server.store.DraftReplay;
import dev.parley.server.store.MessageIds;
import dev.parley.server.store.PushReplay;
import dev.parley.server.store.RoomControls;
import dev.parley.server.store.Store;
import dev.parley.server.store.StoreException;
import dev.parley.server.store.StoredMessage;
import dev.parley.server.store.Write;
import dev.parley.spec.SpecDocument;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The room engine: every rule of the action protocol, behind one method per protocol method.
 * Transports (HTTP, and through it the MCP bridge) only translate to and from these calls.
 *
 * <p>The hot path is in memory. Each call decides everything under its room's lock against the
 * room's live state (the recent tail of its log, drafts, cursors, the floor), queues what the store
 * must keep to the one writer ({@link CommitQueue}) and releases the lock; it then waits, outside
 * the lock, until its writes are durable when its answer depends on them (see {@link
 * RoomTransaction}). The writer commits many calls in one transaction, then wakes the room's
 * pending checks and publishes the calls' {@link RoomEvent}s in order.
 *
 * <p>Everything a restart must find again reaches the store: messages, sessions with their drafts
 * and cursors, remembered {@code txn_id}s and the floor holder. A new engine on the same store
 * takes them all back ({@link Recovery}).
 */
public final class RoomEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RoomEngine.class);
  private static final int SUFFIX_CHARS = 80;

  /** Most sessions served elsewhere whose room is remembered. */
  private static final int ELSEWHERE_REMEMBERED = 100_000;

  private static final Pattern ROOM_NAME = SpecDocument.get().pattern("RoomName");

  /** How long a removed username stays barred from its room when {@code remove} does not say. */
  static final Duration REMOVAL_BAR = Duration.ofMinutes(10);

  /**
   * How an engine runs.
   *
   * @param limits the limits to enforce
   * @param defaultFloor the policy of rooms created without one
   * @param tailMessages most messages each room keeps in memory
   * @param tailBytes most bytes of messages each room keeps in memory (at least one message stays)
   * @param sweep whether to expire idle sessions and overdue floors by itself; without, the owner
   *     calls {@link #sweep()} (as tests with a hand-moved {@link Ticker} do)
   * @param writeBacklog calls queued for the writer beyond which every call waits for its commit
   * @param roomDefaults the options of a room whose creating login gives none, each filled in
   * @param journals what each room and session remembers of deliveries and drafts for the seen
   *     receipts and the timeline
   */
  public record Options(
      ServerLimits limits,
      FloorPolicy defaultFloor,
      int tailMessages,
      long tailBytes,
      boolean sweep,
      int writeBacklog,
      RoomOptions roomDefaults,
      Journals journals) {

    /** Calls queued for the writer, by default, beyond which every call waits for its commit. */
    public static final int WRITE_BACKLOG = 4096;

    /** The defaults with {@code limits}. */
    public static Options of(ServerLimits limits) {
      MemoryLimits memory = MemoryLimits.defaults();
      return new Options(
          limits,
          FloorPolicy.OPEN,
          memory.tailMessages(),
          memory.tailBytes(),
          true,
          WRITE_BACKLOG,
          ServerConfig.DEFAULT_ROOM_OPTIONS,
          new Journals(memory.timelineBytes(), memory.seenEntries(), memory.seenBytes()));
    }

    /** The same options with another default floor policy. */
    public Options withDefaultFloor(FloorPolicy floor) {
      return new Options(
          limits, floor, tailMessages, tailBytes, sweep, writeBacklog, roomDefaults, journals);
    }

    /** The same options with another in-memory tail. */
    public Options withTail(int messages, long bytes) {
      return new Options(
          limits, defaultFloor, messages, bytes, sweep, writeBacklog, roomDefaults, journals);
    }

    /** The same options, sweeping by itself or not. */
    public Options withSweep(boolean on) {
      return new Options(
          limits, defaultFloor, tailMessages, tailBytes, on, writeBacklog, roomDefaults, journals);
    }

    /** The same options with another writer backlog. */
    public Options withWriteBacklog(int calls) {
      return new Options(
          limits, defaultFloor, tailMessages, tailBytes, sweep, calls, roomDefaults, journals);
    }

    /** The same options with other defaults for the options of new rooms. */
    public Options withRoomDefaults(RoomOptions options) {
      return new Options(
          limits, defaultFloor, tailMessages, tailBytes, sweep, writeBacklog, options, journals);
    }

    /** The same options with other journals of deliveries and drafts. */
    public Options withJournals(Journals journals) {
      return new Options(
          limits,
          defaultFloor,
          tailMessages,
          tailBytes,
          sweep,
          writeBacklog,
          roomDefaults,
          journals);
    }
  }

  /**
   * What the engine remembers, in memory only, of who was delivered what and did what.
   *
   * @param timelineBytes most bytes of each room's timeline journal (see {@link Timeline})
   * @param seenEntries most deliveries each session remembers the time of (see {@link Receipts})
   * @param seenBytes most bytes those take in each session
   */
  public record Journals(long timelineBytes, int seenEntries, long seenBytes) {
    /** A new session's empty record of deliveries. */
    Receipts receipts() {
      return new Receipts(seenEntries, seenBytes);
    }
  }

  /** One protocol action on a caller's live session, under its room's lock. */
  @FunctionalInterface
  private interface Action<T> {
    T apply(Session s, RoomTransaction tx);
  }

  private final ServerLimits limits;
  private final FloorPolicy defaultFloor;

  /** The options of a room whose creating login gives none. */
  private final RoomOptions roomDefaults;

  private final Journals journals;

  private final Clock clock;
  private final Ticker ticker;
  private final Store store;
  private final Map<String, Room> rooms = new ConcurrentHashMap<>();

  /** The rooms in creation order, for {@code rooms}. */
  private final List<Room> roomOrder = new CopyOnWriteArrayList<>();

  private final Sessions sessions = new Sessions();
  private final Expiry expiry;
  private final DoorThrottle door;
  private final Recovery recovery;
  private final CommitQueue queue;

  /**
   * Checks waiting, all rooms together: kept beside the sessions' own counts, read without a lock.
   */
  private final AtomicInteger pendingChecks = new AtomicInteger();

  private final ScheduledExecutorService sweeper;
  private volatile boolean closed;

  /** Where rooms are served: here alone, or each by its owner among several daemons. */
  private final RoomHome home;

  /**
   * Among several daemons: the rooms this one was given, with their owner epochs. A room not here
   * is served by another daemon.
   */
  private final Map<String, Long> owned = new ConcurrentHashMap<>();

  /** When each room of {@link #owned} was given ({@link Ticker} reading). */
  private final Map<String, Long> ownedSince = new ConcurrentHashMap<>();

  /** The rooms of sessions that other daemons serve, by token hash: a session keeps its room. */
  private final Map<String, String> elsewhere =
      java.util.Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
              return size() > ELSEWHERE_REMEMBERED;
            }
          });

  /** Taking up rooms from the store one at a time, so that each is loaded once. */
  private final java.util.concurrent.locks.ReentrantLock adopting =
      new java.util.concurrent.locks.ReentrantLock();

  /**
   * Takes back the rooms and sessions {@code store} holds and, with {@link Options#sweep}, starts
   * expiring idle sessions and overdue talking sticks (those already idle past the TTL go first).
   *
   * @param store where rooms, messages and sessions live
   * @param options how to run
   * @param clock the source of timestamps
   * @param ticker the source of monotonic time for idleness, floor holds and rate limits
   * @param listener hears every event, after it was stored, in order per room
   */
  public RoomEngine(
      Store store, Options options, Clock clock, Ticker ticker, RoomEventListener listener) {
    this(store, options, clock, ticker, listener, RoomHome.ALONE);
  }

  /**
   * As {@link #RoomEngine(Store, Options, Clock, Ticker, RoomEventListener)}, serving the rooms
   * {@code home} gives it. A daemon alone takes back every stored room at start; among several
   * daemons, the engine starts empty and takes up each room when it is given it ({@link #adopt}).
   *
   * @param home where rooms are served
   */
  public RoomEngine(
      Store store,
      Options options,
      Clock clock,
      Ticker ticker,
      RoomEventListener listener,
      RoomHome home) {
    this.home = home;
    this.store = store;
    this.limits = options.limits();
    this.defaultFloor = options.defaultFloor();
    this.roomDefaults = options.roomDefaults();
    this.journals = options.journals();
    this.clock = clock;
    this.ticker = ticker;
    this.expiry = new Expiry(limits);
    this.door =
        new DoorThrottle(
            limits.doorRatePerSecond(), limits.doorBurst(), ticker, DoorThrottle.MAX_ADDRESSES);
    this.recovery =
        new Recovery(
            store,
            limits,
            clock,
            ticker,
            options.tailMessages(),
            options.tailBytes(),
            options.journals());
    Map<String, Room> loaded = new LinkedHashMap<>();
    if (home.alone()) {
      recovery.start(loaded, sessions);
    }
    rooms.putAll(loaded);
    roomOrder.addAll(loaded.values());
    if (sessions.size() > 0) {
      LOG.info(
          "Took back {} session{} in {} room{}",
          sessions.size(),
          sessions.size() == 1 ? "" : "s",
          rooms.size(),
          rooms.size() == 1 ? "" : "s");
    }
    this.queue = new CommitQueue(store, listener, this::recover, options.writeBacklog());
    if (options.sweep()) {
      sweep();
      long period = Expiry.periodMillis(limits);
      this.sweeper =
          Executors.newSingleThreadScheduledExecutor(
              r -> Thread.ofPlatform().name("parley-expiry").daemon().unstarted(r));
      sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    } else {
      this.sweeper = null;
    }
  }

  /** Creates a room ahead of any login, with its floor policy; an existing room keeps its own. */
  public void createRoom(String name, FloorPolicy floor) {
    if (!home.alone() && !owned.containsKey(name)) {
      // Stored for whichever daemon serves it; an existing room keeps its policy.
      store.commit(
          List.of(
              new Write.CreateRoom(name, floor != null ? floor : defaultFloor, roomOptions(null))));
      return;
    }
    await(queue.barrier(room(name, floor, null)));
  }

  /**
   * Among several daemons: this one now owns {@code name} under {@code epoch}. A stored room is
   * taken up from the store (its log's end, sessions with their drafts and cursors, remembered
   * {@code txn_id}s, the floor holder), as at a restart; a new one is made by its first login.
   * Asking again under the same epoch does nothing.
   */
  public void adopt(String name, long epoch) {
    Long had = owned.get(name);
    if (had != null && had == epoch) {
      return;
    }
    adopting.lock();
    try {
      had = owned.get(name);
      if (had != null && had == epoch) {
        return;
      }
      Room stale = rooms.get(name);
      if (stale != null) {
        disown(stale);
      }
      var stored = store.room(name);
      if (stored.isPresent()) {
        Room room =
            recovery.room(
                name,
                stored.get().floor(),
                stored.get().options(),
                stored.get().controls(),
                store.lastSeq(name));
        recovery.countAgentRun(room);
        room.ownerEpoch = epoch;
        // Its sessions are found by their tokens as soon as they are loaded: a call on one waits
        // for this lock, so that it sees the room whole (its floor holder too).
        room.lock.lock();
        try {
          recovery.load(room, sessions);
        } finally {
          room.lock.unlock();
        }
        rooms.put(name, room);
        roomOrder.add(room);
        LOG.info(
            "Serving room {} (owner epoch {}), with {} session{}",
            name,
            epoch,
            room.size(),
            room.size() == 1 ? "" : "s");
      }
      owned.put(name, epoch);
      ownedSince.put(name, ticker.nanos());
    } finally {
      adopting.unlock();
    }
  }

  /**
   * Among several daemons: this one no longer owns {@code name} (another took it over, or the lock
   * that made it the owner is gone). Its sessions live on with the new owner; calls that find them
   * here are sent there.
   */
  public void disown(String name) {
    owned.remove(name);
    ownedSince.remove(name);
    Room room = rooms.get(name);
    if (room != null) {
      disown(room);
    }
  }

  private void disown(Room room) {
    room.lock.lock();
    try {
      // What the room queued for the writer was decided here, where it is no longer served.
      room.epoch++;
      room.deleted = true;
      rooms.remove(room.name, room);
      roomOrder.remove(room);
      for (Session s : List.copyOf(room.members())) {
        sessions.moved(s);
      }
    } finally {
      room.lock.unlock();
    }
    room.wakeAll();
    LOG.warn("Room {} is no longer served here: another daemon owns it", room.name);
  }

  /**
   * Admits one call from {@code address} that reaches no live session: {@code login}, {@code
   * rooms}, or a call whose token is missing, unknown or ended (see {@link DoorThrottle}).
   *
   * @param address the client's address; null (a caller inside the process) is not limited
   * @throws RateLimitedException (40003) when the address has made too many such calls
   */
  public void admit(String address) {
    door.admit(address);
  }

  /**
   * 40011 for a name that {@code holder} has, saying how to get it back: with the holder's token,
   * or by waiting until its session expires (a pending check keeps it alive: then it is a TTL
   * away).
   */
  private UsernameTakenException taken(String username, Room room, Session holder, long now) {
    long idle = Math.max(0, now - holder.lastActive);
    long left =
        holder.pendingChecks > 0
            ? limits.sessionTtl().toMillis()
            : Math.max(0, limits.sessionTtl().toNanos() - idle) / 1_000_000;
    long idleSeconds = idle / 1_000_000_000;
    String detail =
        (holder.username.equals(username)
                ? username + " is in "
                : username + " is too like " + holder.username + ", who is in ")
            + room.name
            + (holder.pendingChecks > 0
                ? ", waiting in check now"
                : ", last active " + idleSeconds + " s ago")
            + ": to take the name back, log in with resume set to that session's token; or wait "
            + (left + 999) / 1000
            + " s, until it expires if it makes no further call";
    return new UsernameTakenException(
        username,
        room.name,
        holder.username,
        Timestamps.format(clock.instant().minusNanos(idle)),
        left,
        detail);
  }

  /**
   * Among several daemons: the room of the session {@code token} names when another daemon serves
   * it, as the store has it; null when the session is live here, or unknown.
   */
  public String roomElsewhere(String token, String address) {
    String hash = SessionTokens.hash(token);
    Session live = sessions.byHash(hash);
    if (live != null && !live.moved) {
      return null;
    }
    String known = elsewhere.get(hash);
    if (known != null) {
      return known;
    }
    // A token this daemon has not seen costs a read of the store: it counts at the door, as a
    // call that reaches no session here does.
    door.admit(address);
    String room = store.sessionRoom(hash).orElse(null);
    if (room != null) {
      elsewhere.put(hash, room);
    }
    return room;
  }

  /** The protocol's {@code login}, open to everyone. */
  public LoginResult login(String requested, String roomName, FloorPolicy floor, String resume) {
    return login(requested, roomName, floor, resume, LoginGate.OPEN);
  }

  /** The protocol's {@code login} of an agent, a new session admitted by {@code gate}. */
  public LoginResult login(
      String requested, String roomName, FloorPolicy floor, String resume, LoginGate gate) {
    return login(requested, roomName, floor, resume, gate, ParticipantKind.AGENT, null);
  }

  /**
   * The protocol's {@code login}, a new session admitted by {@code gate}.
   *
   * @param kind who holds a new session (a resumed one keeps its own)
   * @param options the options of a room this login creates (null, or ones left null: the
   *     defaults); an existing room keeps its own
   */
  public LoginResult login(
      String requested,
      String roomName,
      FloorPolicy floor,
      String resume,
      LoginGate gate,
      ParticipantKind kind,
      RoomOptions options) {
    String username = Usernames.normalise(requested);
    if (Usernames.reserved(username)) {
      throw new UsernameTakenException(
          username,
          roomName,
          null,
          null,
          null,
          "the name system is reserved for the daemon's own messages: choose another name");
    }
    Session live = resume == null ? null : sessions.byHash(SessionTokens.hash(resume));
    boolean resuming =
        live != null
            && !live.ended
            && live.room.name.equals(roomName)
            && Room.key(live.username).equals(Room.key(username));
    // Asked before the room is made; a session that ends meanwhile is asked under the lock below.
    Boolean moderator = resuming ? null : gate.admit(username, roomName);
    Room room = lockedRoom(roomName, floor, options);
    LoginResult result;
    CompletableFuture<Void> stored;
    try {
      long now = ticker.nanos();
      RoomTransaction tx = new RoomTransaction(room, clock.instant());
      Session old = resume == null ? null : sessions.byHash(SessionTokens.hash(resume));
      if (old != null && !old.ended) {
        if (old.room != room || !Room.key(old.username).equals(Room.key(username))) {
          throw Sessions.notLoggedIn(
              NotLoggedInException.Reason.MISMATCH,
              "resume names a session of another user or room");
        }
        old.lastActive = now;
        List<Message> delivered = deliver(old, tx);
        saveIfChanged(old, tx, now);
        result = loginResult(old, resume, true, delivered);
      } else {
        Session holder = Usernames.holder(username, room.members());
        if (holder != null) {
          throw taken(username, room, holder, now);
        }
        room.moderation.checkMayLogIn(username, tx.at);
        if (moderator == null) {
          moderator = gate.admit(username, room.name);
        }
        if (room.moderation.claimCreator(username)) {
          tx.write(new Write.SaveControls(room.name, room.moderation.controls()));
        }
        if (gate.open()) {
          // Without access control the room's creator (its first login) moderates it.
          moderator = room.moderation.isCreator(username);
        }
        String token = SessionTokens.create();
        Session s =
            new Session(
                SessionTokens.hash(token),
                username,
                room,
                new RateLimiter(limits.ratePerSecond(), limits.rateBurst(), now),
                now,
                moderator,
                kind == null ? ParticipantKind.AGENT : kind,
                journals.receipts());
        List<Message> context = new ArrayList<>();
        for (StoredMessage m :
            room.newestThatFit(room.tail.before(room.tail.lastSeq() + 1, limits.loginTail()))) {
          context.add(m.message());
        }
        if (!context.isEmpty()) {
          tx.delivered();
        }
        // What is older than the context was never handed to this session, whatever its cursor.
        s.receipts.start(context.isEmpty() ? room.tail.lastSeq() + 1 : context.get(0).seq());
        tx.appended(
            room.system(
                new SystemEvent(SystemEventType.JOINED, username, s.kind, null, null, null),
                tx.at));
        s.cursor = room.tail.lastSeq();
        seen(s, context, tx);
        room.join(s);
        sessions.add(s);
        tx.write(new Write.SaveSession(s.record(clock, now)));
        s.stored(now);
        tx.event(
            new RoomEvent.PresenceChanged(room.name, username, PresenceState.IDLE, false, tx.at));
        result = loginResult(s, token, false, context);
      }
      stored = tx.submit(queue);
    } finally {
      room.lock.unlock();
    }
    await(stored);
    return result;
  }

  private LoginResult loginResult(
      Session s, String token, boolean resumed, List<Message> messages) {
    return new LoginResult(
        token,
        s.username,
        s.room.name,
        s.room.floor,
        resumed,
        s.room.participants(),
        messages,
        limits.toApi(),
        s.kind,
        s.room.options,
        s.moderator);
  }

  /** {@code options} with each one left out taken from the defaults of new rooms. */
  private RoomOptions roomOptions(RoomOptions options) {
    if (options == null) {
      return roomDefaults;
    }
    return new RoomOptions(
        options.humanFirst() != null ? options.humanFirst() : roomDefaults.humanFirst(),
        options.mentionWakesPerMinute() != null
            ? options.mentionWakesPerMinute()
            : roomDefaults.mentionWakesPerMinute(),
        options.maxAgentRun() != null ? options.maxAgentRun() : roomDefaults.maxAgentRun());
  }

  /** The protocol's {@code logout}: idempotent. */
  public LogoutResult logout(String token) {
    if (token == null) {
      throw Sessions.notLoggedIn(
          NotLoggedInException.Reason.MISSING, "no session: send Authorization: Bearer <session>");
    }
    Session s = sessions.byHash(SessionTokens.hash(token));
    if (s == null) {
      return new LogoutResult(0, List.of());
    }
    Room room = s.room;
    LogoutResult result;
    CompletableFuture<Void> stored;
    room.lock.lock();
    try {
      if (s.ended) {
        return new LogoutResult(0, List.of());
      }
      RoomTransaction tx = new RoomTransaction(room, clock.instant());
      List<Message> delivered = deliver(s, tx);
      end(s, SystemEventType.LEFT, tx);
      result = new LogoutResult(1, delivered);
      stored = tx.submit(queue);
    } finally {
      room.lock.unlock();
    }
    await(stored);
    return result;
  }

  /** The protocol's {@code append}, without a {@code txn_id}. */
  public AppendResult append(String token, String text) {
    return append(token, text, null);
  }

  /** The protocol's {@code append}, idempotent with a {@code txn_id} (see {@link TxnReplays}). */
  public AppendResult append(String token, String text, String txnId) {
    return call(
        token,
        "append",
        arguments("text", text, "txn_id", txnId),
        (s, tx) -> {
          DraftReplay first = s.replays.edit("append", txnId);
          if (first != null) {
            return TxnReplays.appendAnswer(first, deliver(s, tx));
          }
          ContentPolicy.check(text);
          s.room.stick.checkMayWrite(s);
          int length = CodePoints.count(text);
          if (length == 0) {
            return appendResult(s, tx, 0, null, "empty text: nothing to append");
          }
          String kept = CodePoints.head(text, limits.appendChars());
          int keptLength = CodePoints.count(kept);
          if (s.draft.length() + keptLength > limits.messageChars()) {
            return appendResult(
                s,
                tx,
                0,
                null,
                "the draft would pass "
                    + limits.messageChars()
                    + " characters: push or shorten it first");
          }
          boolean started = s.draft.isEmpty();
          s.draft.add(kept);
          s.draftEdited(ticker.nanos());
          drafted(s, tx, started, DraftAction.APPEND);
          int dropped = length - keptLength;
          Integer truncated = dropped > 0 ? dropped : null;
          int status = dropped > 0 ? 2 : 1;
          rememberEdit(
              s,
              tx,
              new DraftReplay(
                  s.tokenHash,
                  "append",
                  txnId,
                  status,
                  s.draft.suffix(SUFFIX_CHARS),
                  s.draft.length(),
                  truncated));
          return appendResult(s, tx, status, truncated, null);
        });
  }

  private AppendResult appendResult(
      Session s, RoomTransaction tx, int status, Integer truncated, String reason) {
    return new AppendResult(
        status, s.draft.suffix(SUFFIX_CHARS), s.draft.length(), truncated, reason, deliver(s, tx));
  }

  /**
   * Remembers a draft edit that changed something under its {@code txn_id} (none: nothing to
   * remember). Written behind with the draft it changed: a restart finds both or neither.
   */
  private static void rememberEdit(Session s, RoomTransaction tx, DraftReplay replay) {
    if (replay.txnId() == null) {
      return;
    }
    s.replays.remember(replay);
    tx.writeBehind(new Write.SaveDraftReplay(s.room.name, replay, TxnReplays.DRAFT_KEEP));
  }

  /** The protocol's {@code undo}, without a {@code txn_id}. */
  public UndoResult undo(String token) {
    return undo(token, null);
  }

  /** The protocol's {@code undo}, idempotent with a {@code txn_id} (see {@link TxnReplays}). */
  public UndoResult undo(String token, String txnId) {
    return call(
        token,
        "undo",
        arguments("txn_id", txnId),
        (s, tx) -> {
          DraftReplay first = s.replays.edit("undo", txnId);
          if (first != null) {
            return TxnReplays.undoAnswer(first, deliver(s, tx));
          }
          int status = s.draft.undo() ? 1 : 0;
          s.draftEdited(ticker.nanos());
          if (status == 1) {
            drafted(s, tx, false, DraftAction.UNDO);
            rememberEdit(
                s,
                tx,
                new DraftReplay(
                    s.tokenHash,
                    "undo",
                    txnId,
                    1,
                    s.draft.suffix(SUFFIX_CHARS),
                    s.draft.length(),
                    null));
          }
          return new UndoResult(
              status, s.draft.suffix(SUFFIX_CHARS), s.draft.length(), deliver(s, tx));
        });
  }

  /** The protocol's {@code reset}, without a {@code txn_id}. */
  public ResetResult reset(String token) {
    return reset(token, null);
  }

  /**
   * The protocol's {@code reset}: empties the draft and gives up the floor; idempotent with a
   * {@code txn_id} (see {@link TxnReplays}).
   */
  public ResetResult reset(String token, String txnId) {
    return call(
        token,
        "reset",
        arguments("txn_id", txnId),
        (s, tx) -> {
          DraftReplay first = s.replays.edit("reset", txnId);
          if (first != null) {
            return TxnReplays.resetAnswer(first, deliver(s, tx));
          }
          int status = s.draft.clear() ? 1 : 0;
          if (status == 1) {
            drafted(s, tx, false, DraftAction.RESET);
          }
          boolean released = releaseStick(s, tx);
          if (status == 1 || released) {
            rememberEdit(
                s, tx, new DraftReplay(s.tokenHash, "reset", txnId, status, null, null, null));
          }
          return new ResetResult(status, deliver(s, tx));
        });
  }

  /** The protocol's {@code push}, with the interruption rule and idempotent {@code txn_id}. */
  public PushResult push(String token, boolean force, String txnId) {
    return call(
        token,
        "push",
        arguments("force", force, "txn_id", txnId),
        (s, tx) -> {
          try {
            return push(s, tx, force, txnId);
          } catch (ParleyRpcException e) {
            // Every refusal, whatever its kind, is told in the timeline under its own error code.
            s.room.timeline.refused(s.username, tx.at, s.room.tail.lastSeq(), e);
            throw e;
          }
        });
  }

  /** Decides a push under the room's lock; its interruptions and its message go to the timeline. */
  private PushResult push(Session s, RoomTransaction tx, boolean force, String txnId) {
    Room room = s.room;
    PushReplay first = s.replays.push(txnId);
    if (first != null) {
      // The first push may still be on its way to the store: answer once it is there.
      tx.delivered();
      return TxnReplays.answer(first, deliver(s, tx));
    }
    room.stick.checkMayWrite(s);
    if (s.draft.isEmpty()) {
      throw new NoDraftException("the draft is empty: append before you push");
    }
    room.moderation.checkMayPush(s, tx.at);
    room.loopGuard.check(s);
    if (HumanFirst.holdsBack(s, ticker.nanos(), limits.stickHold().toNanos())) {
      return interrupted(s, tx, InterruptReason.HUMAN_DRAFTING);
    }
    List<StoredMessage> pending = room.pending(s);
    if (!force && CausalStamp.anyChat(pending)) {
      return interrupted(s, tx, InterruptReason.NEW_MESSAGES);
    }
    List<String> mentions = room.mentions(s, s.draft.text());
    long wait = s.wakes.take(room.agents(mentions), room.options, ticker.nanos());
    if (wait > 0) {
      throw new RateLimitedException(
          Math.ceilDiv(wait, TimeUnit.MILLISECONDS.toNanos(1)),
          RateLimitedException.Reason.MENTION_WAKES);
    }
    CausalStamp stamp = CausalStamp.of(s, pending);
    List<Message> arrived = deliver(s, tx);
    StoredMessage sent = room.chat(s, s.draft.text(), mentions, tx.at, stamp);
    tx.appended(sent);
    room.timeline.pushed(s.username, tx.at, sent.message());
    if (room.loopGuard.sent(s)) {
      tx.appended(
          room.system(
              new SystemEvent(
                  SystemEventType.AGENT_RUN_LIMIT,
                  s.username,
                  null,
                  null,
                  null,
                  room.options.maxAgentRun()),
              tx.at,
              Room.SYSTEM));
    }
    s.draft.clear();
    releaseStick(s, tx);
    if (txnId != null) {
      PushReplay replay =
          new PushReplay(s.tokenHash, txnId, sent.seq(), sent.message().timestamp());
      s.replays.remember(replay);
      tx.write(new Write.SaveReplay(room.name, replay, TxnReplays.KEEP));
    }
    return new PushResult(
        1, sent.message().messageId(), sent.message().timestamp(), null, arrived, null);
  }

  /** An interrupted push: nothing sent, the draft kept, what arrived delivered. */
  private PushResult interrupted(Session s, RoomTransaction tx, InterruptReason reason) {
    List<Message> arrived = deliver(s, tx);
    s.room.timeline.interrupted(s.username, tx.at, s.room.tail.lastSeq(), reason);
    return new PushResult(0, null, null, true, arrived, reason);
  }

  /**
   * The protocol's {@code mute}: refuses {@code user}'s pushes for {@code forMs} (null: until
   * {@code unmute}). A moderator's.
   */
  public ModerationResult mute(String token, String user, Integer forMs) {
    return moderate(
        token,
        "mute",
        arguments("user", user, "for_ms", forMs),
        (s, tx) -> {
          String name = spelling(s.room, user);
          Instant until = forMs == null ? null : tx.at.plusMillis(forMs);
          if (!s.room.moderation.mute(name, s.username, until, tx.at)) {
            return false;
          }
          tx.appended(
              s.room.system(
                  new SystemEvent(
                      SystemEventType.MUTED,
                      name,
                      null,
                      s.username,
                      until == null ? null : Timestamps.format(until),
                      null),
                  tx.at,
                  s.username));
          return true;
        });
  }

  /** The protocol's {@code unmute}. A moderator's. */
  public ModerationResult unmute(String token, String user) {
    return moderate(
        token,
        "unmute",
        arguments("user", user),
        (s, tx) -> {
          String name = spelling(s.room, user);
          if (!s.room.moderation.unmute(name, tx.at)) {
            return false;
          }
          tx.appended(
              s.room.system(
                  new SystemEvent(SystemEventType.UNMUTED, name, null, s.username, null, null),
                  tx.at,
                  s.username));
          return true;
        });
  }

  /**
   * The protocol's {@code remove}: ends {@code user}'s session and bars the name for {@code forMs}
   * (null: {@link #REMOVAL_BAR}). A moderator's.
   */
  public ModerationResult remove(String token, String user, Integer forMs) {
    return moderate(
        token,
        "remove",
        arguments("user", user, "for_ms", forMs),
        (s, tx) -> {
          String name = target(user);
          Room room = s.room;
          Session target = Usernames.holder(name, room.members());
          if (target == s) {
            throw new InvalidParamsException(
                "/user", "a moderator cannot remove itself: call logout", null);
          }
          long bar = forMs == null ? REMOVAL_BAR.toMillis() : forMs;
          Instant until = bar == 0 ? null : tx.at.plusMillis(bar);
          boolean barred =
              until != null && room.moderation.removeUntil(name, s.username, until, tx.at);
          if (target == null && !barred) {
            return false;
          }
          SystemEvent event =
              new SystemEvent(
                  SystemEventType.REMOVED,
                  target == null ? name : target.username,
                  null,
                  s.username,
                  until == null ? null : Timestamps.format(until),
                  null);
          if (target != null) {
            target.removed = true;
            end(target, event, s.username, tx);
          } else {
            tx.appended(room.system(event, tx.at, s.username));
          }
          return true;
        });
  }

  /** The protocol's {@code pause}: only moderators push until {@code resume}. A moderator's. */
  public ModerationResult pause(String token) {
    return roomChange(
        token, "pause", s -> s.room.moderation.pause(s.username), SystemEventType.PAUSED);
  }

  /** The protocol's {@code resume}. A moderator's. */
  public ModerationResult resume(String token) {
    return roomChange(token, "resume", s -> s.room.moderation.resume(), SystemEventType.RESUMED);
  }

  /**
   * A moderator's change to the whole room: {@code change} (true when it changed something), told
   * as a system message of {@code type} about the moderator.
   */
  private ModerationResult roomChange(
      String token, String method, Predicate<Session> change, SystemEventType type) {
    return moderate(
        token,
        method,
        Map.of(),
        (s, tx) -> {
          if (!change.test(s)) {
            return false;
          }
          tx.appended(
              s.room.system(new SystemEvent(type, s.username, null, null, null, null), tx.at));
          return true;
        });
  }

  /** The protocol's {@code continue}: the loop guard's count starts again. A moderator's. */
  public ModerationResult continueRun(String token) {
    return call(
        token,
        "continue",
        Map.of(),
        (s, tx) -> {
          Moderation.checkModerator(s, "continue");
          if (!s.room.loopGuard.restart()) {
            return new ModerationResult(0, deliver(s, tx));
          }
          tx.appended(
              s.room.system(
                  new SystemEvent(SystemEventType.CONTINUED, s.username, null, null, null, null),
                  tx.at));
          return new ModerationResult(1, deliver(s, tx));
        });
  }

  /**
   * {@code user} as the member it names spells its name (a lookalike names it too), else as given,
   * normalised.
   */
  private static String spelling(Room room, String user) {
    String name = target(user);
    Session member = Usernames.holder(name, room.members());
    return member == null ? name : member.username;
  }

  /** The {@code user} param of a moderator's call, normalised; a refusal points at it. */
  private static String target(String user) {
    try {
      return Usernames.normalise(user);
    } catch (InvalidParamsException e) {
      throw new InvalidParamsException("/user", e.detail(), null);
    }
  }

  /** One change a moderator asks for, under the room's lock: true when the room changed. */
  @FunctionalInterface
  private interface Change {
    boolean apply(Session s, RoomTransaction tx);
  }

  /**
   * Runs a moderator's {@code change} as {@code method}: refused (40013) to others; a change is
   * stored with the system message that tells it.
   */
  private ModerationResult moderate(
      String token, String method, Map<String, Object> args, Change change) {
    return call(
        token,
        method,
        args,
        (s, tx) -> {
          Moderation.checkModerator(s, method);
          boolean changed = change.apply(s, tx);
          if (changed) {
            tx.write(new Write.SaveControls(s.room.name, s.room.moderation.controls()));
          }
          return new ModerationResult(changed ? 1 : 0, deliver(s, tx));
        });
  }

  /** The protocol's {@code check}: waits for a message, at most {@code timeoutMs} (capped). */
  public CheckResult check(String token, long timeoutMs, WakeOn wakeOn) {
    Session s = session(token);
    Room room = s.room;
    long deadline =
        System.nanoTime()
            + TimeUnit.MILLISECONDS.toNanos(Math.min(timeoutMs, limits.checkTimeoutCapMs()));
    Map<String, Object> args = arguments("timeout_ms", timeoutMs, "wake_on", wakeOn.wireName());
    Waiter waiter = null;
    CheckOutcome outcome = null;
    room.lock.lock();
    try {
      Sessions.alive(s);
      RoomTransaction tx = new RoomTransaction(room, clock.instant());
      tx.event(new RoomEvent.ActionStarted(room.name, s.username, "check", args, tx.at));
      if (closed || wakes(room.pending(s), s, wakeOn)) {
        outcome = finishCheck(s, tx, wakeOn);
      } else {
        tx.watch(s);
        s.pendingChecks++;
        pendingChecks.incrementAndGet();
        waiter = new Waiter();
        room.park(waiter);
        tx.submit(queue);
      }
    } finally {
      room.lock.unlock();
    }
    while (outcome == null) {
      waiter.await(deadline);
      room.lock.lock();
      try {
        room.unpark(waiter);
        boolean over =
            closed || System.nanoTime() >= deadline || Thread.currentThread().isInterrupted();
        if (s.ended || s.moved || over || wakes(room.pending(s), s, wakeOn)) {
          RoomTransaction tx = new RoomTransaction(room, clock.instant());
          tx.watch(s);
          s.pendingChecks--;
          pendingChecks.decrementAndGet();
          outcome = finishCheck(s, tx, wakeOn);
        } else {
          // Woken by a message that does not wake this check (wake_on: mention): wait on.
          waiter = new Waiter();
          room.park(waiter);
        }
      } finally {
        room.lock.unlock();
      }
    }
    return outcome.answer();
  }

  /** How a check ended, decided under the room's lock and answered after it is released. */
  private record CheckOutcome(
      CheckResult result, ParleyRpcException error, CompletableFuture<Void> stored) {
    CheckResult answer() {
      if (error != null) {
        throw error;
      }
      await(stored);
      return result;
    }
  }

  /** Ends a check under the room's lock: delivers and tells how it ended. */
  private CheckOutcome finishCheck(Session s, RoomTransaction tx, WakeOn wakeOn) {
    Room room = s.room;
    CheckResult result = null;
    ParleyRpcException error = null;
    try {
      Sessions.alive(s);
      int status = wakes(room.pending(s), s, wakeOn) ? 1 : 0;
      result = new CheckResult(status, deliver(s, tx));
      long now = ticker.nanos();
      s.lastActive = now;
      saveIfChanged(s, tx, now);
    } catch (ParleyRpcException e) {
      error = e;
    }
    tx.event(
        new RoomEvent.ActionEnded(room.name, s.username, "check", result, error, clock.instant()));
    return new CheckOutcome(result, error, tx.submit(queue));
  }

  private static boolean wakes(List<StoredMessage> pending, Session s, WakeOn wakeOn) {
    if (wakeOn == WakeOn.MENTION) {
      for (StoredMessage m : pending) {
        if (m.message().mentions().contains(s.username)) {
          return true;
        }
      }
      return false;
    }
    return !pending.isEmpty();
  }

  /** The protocol's {@code preview}. */
  public PreviewResult preview(String token) {
    return call(
        token,
        "preview",
        Map.of(),
        (s, tx) -> new PreviewResult(s.draft.text(), s.draft.segments(), deliver(s, tx)));
  }

  /** The protocol's {@code talking_stick}. */
  public TalkingStickResult talkingStick(String token) {
    return call(
        token,
        "talking_stick",
        Map.of(),
        (s, tx) -> {
          TalkingStick stick = s.room.stick;
          boolean renewal = stick.isHeldBy(s);
          boolean granted = stick.claim(s, ticker.nanos());
          if (granted) {
            tx.write(new Write.SaveStick(s.room.name, s.username, tx.at));
            if (!renewal) {
              tx.appended(
                  s.room.system(
                      new SystemEvent(
                          SystemEventType.STICK_CLAIMED, s.username, null, null, null, null),
                      tx.at));
            }
          }
          return new TalkingStickResult(granted, stick.holder().username, deliver(s, tx));
        });
  }

  /**
   * The protocol's {@code note}: an entry for observers and the log; delivers nothing, moves no
   * cursor.
   */
  public NoteResult note(String token, NoteKind kind, String content) {
    Session s = session(token);
    Room room = s.room;
    room.lock.lock();
    try {
      Sessions.alive(s);
      ContentPolicy.check(content);
      if (CodePoints.count(content) > limits.messageChars()) {
        throw new InvalidParamsException(
            "/content", "a note holds at most " + limits.messageChars() + " characters", null);
      }
      RoomTransaction tx = new RoomTransaction(room, clock.instant());
      tx.event(new RoomEvent.NoteAdded(room.name, s.username, kind, content, tx.at));
      long now = ticker.nanos();
      s.lastActive = now;
      saveIfChanged(s, tx, now);
      tx.submit(queue);
      return new NoteResult(1);
    } finally {
      room.lock.unlock();
    }
  }

  /** The protocol's {@code participants}. */
  public ParticipantsResult participants(String token) {
    return call(
        token,
        "participants",
        Map.of(),
        (s, tx) -> new ParticipantsResult(s.room.participants(), deliver(s, tx)));
  }

  /**
   * The protocol's {@code history}: a page of the log by sequence number; moves no cursor.
   *
   * @param before only messages below this sequence number, or null
   * @param after only messages above this sequence number, or null
   * @param limit the page size, at most {@link ServerLimits#historyPage()}
   */
  public HistoryResult history(String token, Long before, Long after, int limit) {
    return history(token, before, after, limit, false);
  }

  /**
   * The protocol's {@code history}: a page of the log by sequence number; moves no cursor.
   *
   * @param before only messages below this sequence number, or null
   * @param after only messages above this sequence number, or null
   * @param limit the page size, at most {@link ServerLimits#historyPage()}
   * @param excludeOwn whether to leave out what the caller caused itself ({@link Room#causedBy}),
   *     as delivery does: what a lost answer carried, for a client that recovers it
   */
  public HistoryResult history(
      String token, Long before, Long after, int limit, boolean excludeOwn) {
    return call(
        token,
        null,
        Map.of(),
        (s, tx) -> {
          int n = Math.min(limit, limits.historyPage());
          RoomTail tail = s.room.tail;
          List<StoredMessage> page;
          boolean more;
          if (after != null) {
            page =
                Receipts.withSeenBy(
                    s.room, excludeOwn ? othersAfter(s, after, n + 1) : tail.after(after, n + 1));
            if (before != null) {
              page.removeIf(m -> m.seq() >= before);
            }
            more = page.size() > n;
            List<StoredMessage> fit =
                s.room.oldestThatFit(page.subList(0, Math.min(n, page.size())));
            more |= fit.size() < Math.min(n, page.size());
            page = fit;
          } else {
            long below = before != null ? before : tail.lastSeq() + 1;
            page =
                Receipts.withSeenBy(
                    s.room, excludeOwn ? othersBefore(s, below, n + 1) : tail.before(below, n + 1));
            more = page.size() > n;
            List<StoredMessage> fit =
                s.room.newestThatFit(page.subList(Math.max(0, page.size() - n), page.size()));
            more |= fit.size() < Math.min(n, page.size());
            page = fit;
          }
          if (!page.isEmpty() && page.get(page.size() - 1).seq() > s.room.durableSeq) {
            tx.delivered();
          }
          return new HistoryResult(page.stream().map(StoredMessage::message).toList(), more);
        });
  }

  /**
   * The protocol's {@code receipts}: who of the room (but whoever caused it) has been delivered
   * {@code messageId}, when, and who is drafting after it.
   *
   * @throws InvalidParamsException when the room has no such message
   */
  public ReceiptsResult receipts(String token, String messageId) {
    return call(
        token,
        null,
        Map.of(),
        (s, tx) -> {
          StoredMessage m = message(s.room, messageId);
          List<Receipt> receipts = Receipts.of(s.room, m);
          return new ReceiptsResult(m.message().messageId(), m.seq(), receipts, deliver(s, tx));
        });
  }

  /**
   * The protocol's {@code timeline}: for each participant (but whoever caused it), when {@code
   * messageId} was delivered to it and what it did with its draft and pushes from then on, through
   * its next pushed message (see {@link Timeline}).
   *
   * @throws InvalidParamsException when the room has no such message
   */
  public TimelineResult timeline(String token, String messageId) {
    return call(
        token,
        null,
        Map.of(),
        (s, tx) -> {
          StoredMessage m = message(s.room, messageId);
          // Delivered first: the answer's own delivery is not part of what it tells.
          TimelineResult told = s.room.timeline.of(s.room, m, List.of());
          List<Message> delivered = deliver(s, tx);
          return new TimelineResult(
              told.messageId(), told.seq(), told.complete(), told.participants(), delivered);
        });
  }

  /**
   * The timeline of a message of {@code roomName} for a watcher (the viewer), who has no session:
   * as {@link #timeline}, delivering nothing.
   *
   * @throws HistoryException for an unknown room or message id
   */
  public TimelineResult watchedTimeline(String roomName, String messageId) {
    return watched(
        roomName, room -> room.timeline.of(room, watchedMessage(room, messageId), List.of()));
  }

  /**
   * Who has been delivered each message of {@code roomName} from {@code fromSeq} through {@code
   * toSeq} (the newest {@link MessageSeen#MOST} the room has of them), for a watcher: {@link
   * Receipts#seen}.
   *
   * @throws HistoryException for an unknown room
   * @throws IllegalArgumentException when {@code fromSeq} is below 1 or above {@code toSeq}
   */
  public List<MessageSeen> seen(String roomName, long fromSeq, long toSeq) {
    if (fromSeq < 1 || fromSeq > toSeq) {
      throw new IllegalArgumentException(
          "from " + fromSeq + " to " + toSeq + ": not a range of sequence numbers");
    }
    return watched(
        roomName,
        room -> {
          long to = Math.min(toSeq, room.tail.lastSeq());
          long from = Math.max(fromSeq, to - MessageSeen.MOST + 1);
          List<MessageSeen> out = new ArrayList<>();
          for (StoredMessage m : room.tail.after(from - 1, (int) Math.max(0, to - from + 1))) {
            out.add(Receipts.seen(room, m));
          }
          return out;
        });
  }

  /**
   * The timeline journal of {@code roomName}, oldest first: what its JSONL export writes, one event
   * a line. In memory only: what the daemon saw of the room since it took it up, within {@link
   * Journals#timelineBytes()}.
   *
   * @throws HistoryException for an unknown room
   */
  public List<TimelineEvent> timelineEvents(String roomName) {
    return watched(roomName, room -> room.timeline.events());
  }

  private <T> T watched(String roomName, Function<Room, T> read) {
    Room room = roomName == null ? null : rooms.get(roomName);
    if (room == null) {
      throw new HistoryException(
          HistoryException.Problem.UNKNOWN_ROOM, "there is no room " + roomName + " here");
    }
    room.lock.lock();
    try {
      return read.apply(room);
    } finally {
      room.lock.unlock();
    }
  }

  /** The message {@code id} of {@code room}, for a watcher. Under the room's lock. */
  private static StoredMessage watchedMessage(Room room, String id) {
    StoredMessage m = find(room, id);
    if (m == null) {
      throw new HistoryException(HistoryException.Problem.UNKNOWN_MESSAGE, noSuchMessage(room, id));
    }
    return m;
  }

  /**
   * The message {@code id} of {@code room}, for a participant. Under the room's lock.
   *
   * @throws InvalidParamsException when the room has no such message
   */
  private static StoredMessage message(Room room, String id) {
    StoredMessage m = find(room, id);
    if (m == null) {
      throw new InvalidParamsException("/message_id", noSuchMessage(room, id), null);
    }
    return m;
  }

  /**
   * The message {@code id} of {@code room} (from its tail, or from the store for an old one), or
   * null when it has none. Under the room's lock.
   */
  private static StoredMessage find(Room room, String id) {
    long seq = id == null ? 0 : MessageIds.seq(id).orElse(0);
    if (seq < 1 || seq > room.tail.lastSeq()) {
      return null;
    }
    List<StoredMessage> found = room.tail.after(seq - 1, 1);
    return found.isEmpty() || found.get(0).seq() != seq ? null : found.get(0);
  }

  private static String noSuchMessage(Room room, String id) {
    long last = room.tail.lastSeq();
    return "room "
        + room.name
        + " has no message "
        + id
        + (last == 0
            ? " (it has none yet)"
            : " (its messages are msg-1 to " + MessageIds.of(last) + ")");
  }

  /**
   * The first {@code want} messages after {@code after} that {@code s} did not cause, oldest first.
   */
  private static List<StoredMessage> othersAfter(Session s, long after, int want) {
    List<StoredMessage> out = new ArrayList<>();
    long from = after;
    while (out.size() < want) {
      List<StoredMessage> chunk = s.room.tail.after(from, want);
      for (StoredMessage m : chunk) {
        if (!Room.causedBy(s, m) && out.size() < want) {
          out.add(m);
        }
      }
      if (chunk.size() < want) {
        break;
      }
      from = chunk.get(chunk.size() - 1).seq();
    }
    return out;
  }

  /**
   * The last {@code want} messages below {@code below} that {@code s} did not cause, oldest first.
   */
  private static List<StoredMessage> othersBefore(Session s, long below, int want) {
    List<StoredMessage> newestFirst = new ArrayList<>();
    long to = below;
    while (newestFirst.size() < want) {
      List<StoredMessage> chunk = s.room.tail.before(to, want);
      for (StoredMessage m : chunk.reversed()) {
        if (!Room.causedBy(s, m) && newestFirst.size() < want) {
          newestFirst.add(m);
        }
      }
      if (chunk.size() < want) {
        break;
      }
      to = chunk.get(0).seq();
    }
    return newestFirst.reversed();
  }

  /**
   * A page of a room's stored log for a watcher (the viewer), who has no session: the newest
   * messages below {@code beforeMessageId} (null: the newest of all), as many as {@code limit}
   * allows and the protocol's {@code history} would answer ({@link ServerLimits#historyPage()}, an
   * answer's bytes). Only what is durable: room events, which watchers see, tell of nothing else.
   * Reads the store without the room's lock, which guards only what is not yet durable.
   *
   * @throws HistoryException for an unknown room, or an id that is not one of its messages
   */
  public HistoryResult watchedHistory(String roomName, String beforeMessageId, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("a page holds at least one message, not " + limit);
    }
    Room room = roomName == null ? null : rooms.get(roomName);
    if (room == null && roomName != null && !home.alone()) {
      // Served by another daemon: its stored log is the same, read through a room of its own.
      var stored = store.room(roomName);
      if (stored.isPresent()) {
        long last = store.lastSeq(roomName);
        room =
            recovery.room(
                roomName,
                stored.get().floor(),
                stored.get().options(),
                stored.get().controls(),
                last);
        room.durableSeq = last;
      }
    }
    if (room == null) {
      throw new HistoryException(
          HistoryException.Problem.UNKNOWN_ROOM, "there is no room " + roomName);
    }
    long durable = room.durableSeq;
    long below = durable + 1;
    if (beforeMessageId != null) {
      long seq =
          MessageIds.seq(beforeMessageId)
              .orElseThrow(
                  () ->
                      new HistoryException(
                          HistoryException.Problem.UNKNOWN_MESSAGE,
                          "not a message id (" + MessageIds.of(1) + ", ...): " + beforeMessageId));
      // An id just stored may be ahead of what this read of durableSeq saw: the store decides.
      if (seq > durable && seq > store.lastSeq(roomName)) {
        throw new HistoryException(
            HistoryException.Problem.UNKNOWN_MESSAGE,
            "room " + roomName + " has no message " + beforeMessageId);
      }
      below = seq;
    }
    int n = Math.min(limit, limits.historyPage());
    List<StoredMessage> page = below > 1 ? store.before(roomName, below, n + 1) : List.of();
    List<StoredMessage> shown = page.subList(Math.max(0, page.size() - n), page.size());
    List<StoredMessage> fit = room.newestThatFit(shown);
    return new HistoryResult(
        fit.stream().map(StoredMessage::message).toList(),
        page.size() > n || fit.size() < shown.size());
  }

  /**
   * The protocol's {@code subscribe}: from now on (or, with a null {@code subscriber}, no longer)
   * the session's messages are also handed to {@code subscriber} as they are stored. A socket
   * subscribes one session at a time; the previous subscriber of the session is let go.
   */
  public SubscribeResult subscribe(String token, Subscriber subscriber) {
    SubscribeResult result =
        call(
            token,
            null,
            Map.of(),
            (s, tx) -> {
              s.room.subscribe(s, subscriber);
              return new SubscribeResult(subscriber != null, deliver(s, tx));
            });
    if (subscriber != null) {
      // What arrived between this answer and the subscriber's first wake-up.
      subscriber.wake();
    }
    return result;
  }

  /**
   * Ends {@code subscriber}'s subscription to the session of {@code token}, if it still has one
   * (its socket closed): the session lives on, idle from now.
   */
  public void unsubscribe(String token, Subscriber subscriber) {
    Session s = sessions.live(token);
    if (s == null) {
      return;
    }
    s.room.lock.lock();
    try {
      if (s.subscriber == subscriber) {
        s.room.subscribe(s, null);
        s.lastActive = ticker.nanos();
      }
    } finally {
      s.room.lock.unlock();
    }
  }

  /** How a {@link #deliverTo} went. */
  public enum Delivered {
    /** Nothing was pending (or the subscription is over). */
    NOTHING,
    /** A notification was offered and taken; more may be pending. */
    SOME,
    /** The subscriber's queue could not take what is pending: the cursor stayed. */
    REFUSED
  }

  /**
   * Hands what is pending for the session of {@code token} to its {@code subscriber} under the
   * delivery rule, at most one answer's worth: the cursor moves only when the subscriber takes it.
   * Not a call of the session: no rate limit, no activity.
   */
  public Delivered deliverTo(String token, Subscriber subscriber) {
    Session s = sessions.live(token);
    if (s == null) {
      return Delivered.NOTHING;
    }
    Room room = s.room;
    CompletableFuture<Void> handed = new CompletableFuture<>();
    CompletableFuture<Void> stored;
    room.lock.lock();
    try {
      if (s.ended || s.subscriber != subscriber || room.poisoned) {
        return Delivered.NOTHING;
      }
      long before = s.cursor;
      RoomTransaction tx = new RoomTransaction(room, clock.instant());
      List<Message> out = room.deliver(s);
      if (!out.isEmpty()) {
        if (!subscriber.offer(new Subscriber.Delivery(out, before, s.cursor), handed)) {
          s.cursor = before;
          return Delivered.REFUSED;
        }
        tx.delivered();
        seen(s, out, tx);
      }
      saveIfChanged(s, tx, ticker.nanos());
      stored = tx.submit(queue);
      if (out.isEmpty()) {
        return Delivered.NOTHING;
      }
    } finally {
      room.lock.unlock();
    }
    // Completed outside the lock: the subscriber's sending starts from here.
    if (stored == null) {
      handed.complete(null);
    } else {
      stored.whenComplete(
          (done, failed) -> {
            if (failed == null) {
              handed.complete(null);
            } else {
              handed.completeExceptionally(failed);
            }
          });
    }
    return Delivered.SOME;
  }

  /**
   * Takes back a delivery that {@code subscriber} could not write to its socket (the socket closed
   * first): the cursor returns to where it was before {@code delivery}, so the session's next call
   * has those messages. Only while nothing was delivered to the session since; else they stay
   * delivered (and in the history).
   *
   * @return whether the cursor was taken back
   */
  public boolean undeliver(String token, Subscriber.Delivery delivery) {
    Session s = sessions.live(token);
    if (s == null) {
      return false;
    }
    Room room = s.room;
    CompletableFuture<Void> stored;
    room.lock.lock();
    try {
      if (s.ended || s.cursor != delivery.cursorAfter()) {
        return false;
      }
      s.cursor = delivery.cursorBefore();
      s.receipts.back(s.cursor);
      RoomTransaction tx = new RoomTransaction(room, clock.instant());
      tx.write(new Write.SaveSession(s.record(clock, ticker.nanos())));
      s.stored(ticker.nanos());
      stored = tx.submit(queue);
    } finally {
      room.lock.unlock();
    }
    await(stored);
    return true;
  }

  /**
   * The participants of {@code room} as they are now, for a {@code presence} notification; null
   * when there is no such room. Moves no cursor.
   */
  public PresenceNotification presenceOf(String room) {
    Room r = rooms.get(room);
    if (r == null) {
      return null;
    }
    r.lock.lock();
    try {
      return r.deleted ? null : new PresenceNotification(r.name, r.participants());
    } finally {
      r.lock.unlock();
    }
  }

  /** The protocol's {@code rooms}: from memory, counting stored messages. */
  public RoomsResult rooms() {
    if (!home.alone()) {
      // Every daemon's rooms, as the store has them.
      return new RoomsResult(
          store.roomCounts().stream()
              .map(r -> new RoomSummary(r.name(), r.floor(), r.sessions(), (int) r.lastSeq()))
              .toList());
    }
    List<RoomSummary> out = new ArrayList<>(roomOrder.size());
    for (Room room : roomOrder) {
      out.add(new RoomSummary(room.name, room.floor, room.size(), (int) room.durableSeq));
    }
    return new RoomsResult(out);
  }

  /**
   * Who holds a session.
   *
   * @param username its username
   * @param room its room
   * @param moderator whether its key made it a moderator's
   */
  public record Caller(String username, String room, boolean moderator) {}

  /** Who holds the live session of {@code token}, or null when none is live. */
  public Caller caller(String token) {
    Session s = token == null ? null : sessions.byHash(SessionTokens.hash(token));
    return s == null || s.ended ? null : new Caller(s.username, s.room.name, s.moderator);
  }

  /** Live sessions, for health reporting. */
  public int sessionCount() {
    return sessions.size();
  }

  /** Rooms, for health reporting. */
  public int roomCount() {
    return rooms.size();
  }

  /** Checks waiting for a message now, for metrics. */
  public int pendingChecks() {
    return pendingChecks.get();
  }

  /** Lets {@code observer} hear every batch the writer commits from now on (for metrics). */
  public void observeCommits(CommitObserver observer) {
    queue.observe(observer);
  }

  /**
   * Expires idle sessions and overdue talking sticks now, reloads rooms whose commit failed, and
   * deletes rooms idle past the retention. Runs by itself with {@link Options#sweep}.
   */
  public void sweep() {
    long now = ticker.nanos();
    for (Room room : roomOrder) {
      if (room.poisoned) {
        recover(room);
        continue;
      }
      room.lock.lock();
      try {
        RoomTransaction tx = new RoomTransaction(room, clock.instant());
        for (Session s : expiry.idle(room, now)) {
          end(s, SystemEventType.EXPIRED, tx);
        }
        Session holder = expiry.overdueStick(room, now);
        if (holder != null) {
          room.stick.release(holder);
          tx.write(new Write.SaveStick(room.name, null, null));
          tx.appended(
              room.system(
                  new SystemEvent(
                      SystemEventType.STICK_EXPIRED, holder.username, null, null, null, null),
                  tx.at));
        }
        tx.submit(queue);
      } catch (RuntimeException e) {
        LOG.error("Expiry in room {} failed", room.name, e);
      } finally {
        room.lock.unlock();
      }
    }
    retire();
  }

  /**
   * Deletes the rooms that have had no session and no message for the retention ({@link
   * ServerLimits#roomRetention()}; zero keeps every room): with their messages, floor and log. Runs
   * with {@link #sweep()}.
   */
  private void retire() {
    Duration retention = limits.roomRetention();
    if (retention.isZero()) {
      return;
    }
    for (Room room : roomOrder) {
      if (room.size() > 0 || room.poisoned) {
        continue;
      }
      room.lock.lock();
      try {
        Instant now = clock.instant();
        if (room.deleted
            || room.size() > 0
            || room.poisoned
            || Duration.between(room.lastActivity(), now).compareTo(retention) < 0) {
          continue;
        }
        RoomTransaction tx = new RoomTransaction(room, now);
        tx.write(new Write.DeleteRoom(room.name));
        tx.event(new RoomEvent.RoomDeleted(room.name, now));
        // A login that found the room before this sees the flag under the lock and makes it anew.
        room.deleted = true;
        rooms.remove(room.name, room);
        roomOrder.remove(room);
        tx.submit(queue);
        LOG.info(
            "Deleted room {}: no session and no message since {}", room.name, room.lastActivity());
      } catch (RuntimeException e) {
        LOG.error("Deleting idle room {} failed", room.name, e);
      } finally {
        room.lock.unlock();
      }
    }
  }

  /** Wakes every pending check, so that they answer now; calls in flight still complete. */
  public void wakeChecks() {
    closed = true;
    roomOrder.forEach(Room::wakeAll);
  }

  /**
   * Wakes every pending check, stores what is queued and stops. Sessions stay in the store: a new
   * engine on it takes them back.
   */
  @Override
  public void close() {
    wakeChecks();
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
    queue.close();
  }

  private Room room(String name, FloorPolicy floor, RoomOptions options) {
    // Callers other than the RPC layer (configuration, embedding) are checked here too: a room
    // name also names its log file.
    if (!ROOM_NAME.matcher(name).matches()) {
      throw new InvalidParamsException("/room", "not a room name: " + name, null);
    }
    Room known = rooms.get(name);
    if (known != null) {
      return known;
    }
    Long epoch = owned.get(name);
    if (epoch == null && !home.alone()) {
      throw new RoomMovedException(name);
    }
    return rooms.computeIfAbsent(
        name,
        n -> {
          FloorPolicy policy = floor != null ? floor : defaultFloor;
          RoomOptions filled = roomOptions(options);
          Room created = recovery.room(n, policy, filled, RoomControls.NONE, 0);
          created.ownerEpoch = epoch == null ? 0 : epoch;
          queue.submit(created, List.of(new Write.CreateRoom(n, policy, filled)), List.of(), 0);
          roomOrder.add(created);
          return created;
        });
  }

  /**
   * The room of that name, made when needed, with its lock held: never one that was just deleted.
   */
  private Room lockedRoom(String name, FloorPolicy floor, RoomOptions options) {
    while (true) {
      Room room = room(name, floor, options);
      room.lock.lock();
      if (!room.deleted) {
        return room;
      }
      room.lock.unlock();
    }
  }

  /**
   * Runs {@code action} on the caller's live session under its room's lock, telling of it as {@code
   * method} (null: not an action worth telling), then waits outside the lock for what the answer
   * depends on to be stored.
   */
  private <T> T call(String token, String method, Map<String, Object> args, Action<T> action) {
    Session s = session(token);
    Room room = s.room;
    T result = null;
    ParleyRpcException error = null;
    CompletableFuture<Void> stored;
    room.lock.lock();
    try {
      Sessions.alive(s);
      RoomTransaction tx = new RoomTransaction(room, clock.instant());
      tx.watch(s);
      if (method != null) {
        tx.event(new RoomEvent.ActionStarted(room.name, s.username, method, args, tx.at));
      }
      try {
        result = action.apply(s, tx);
      } catch (ParleyRpcException e) {
        error = e;
      }
      long now = ticker.nanos();
      s.lastActive = now;
      saveIfChanged(s, tx, now);
      if (method != null) {
        tx.event(
            new RoomEvent.ActionEnded(
                room.name, s.username, method, result, error, clock.instant()));
      }
      stored = tx.submit(queue);
    } finally {
      room.lock.unlock();
    }
    if (error != null) {
      throw error;
    }
    await(stored);
    return result;
  }

  /** The caller's session, its rate limit taken. */
  private Session session(String token) {
    Session s = sessions.find(token);
    long retryAfter = s.rate.acquire(ticker.nanos());
    if (retryAfter > 0) {
      throw new RateLimitedException(retryAfter, RateLimitedException.Reason.CALLS);
    }
    return s;
  }

  /**
   * Delivers what is pending to {@code s}; a call that hands messages over waits for them to be
   * stored.
   */
  private List<Message> deliver(Session s, RoomTransaction tx) {
    List<Message> out = s.room.deliver(s);
    if (!out.isEmpty()) {
      tx.delivered();
    }
    seen(s, out, tx);
    return out;
  }

  /**
   * Notes that {@code s}'s cursor is where it is now, {@code out} just delivered: for its seen
   * receipts and, when something was handed over, for its room's timeline.
   */
  private void seen(Session s, List<Message> out, RoomTransaction tx) {
    s.receipts.reached(s.cursor, ticker.nanos(), tx.at);
    if (!out.isEmpty()) {
      s.room.timeline.delivered(s.username, tx.at, s.room.tail.lastSeq(), s.cursor);
    }
  }

  /** Notes in the room's timeline that {@code s}'s draft changed by {@code action}. */
  private static void drafted(Session s, RoomTransaction tx, boolean started, DraftAction action) {
    s.room.timeline.draft(
        s.username, tx.at, s.room.tail.lastSeq(), started, action, s.draft.length());
  }

  /**
   * Saves the session when its cursor or draft moved, or its last activity is stale in the store by
   * a tenth of the TTL (so that a restart judges idleness nearly right without a write per call).
   * Written behind: the call does not wait for it.
   */
  private void saveIfChanged(Session s, RoomTransaction tx, long now) {
    long staleAfter = limits.sessionTtl().toNanos() / 10;
    if (s.cursor != s.storedCursor
        || s.draft.version() != s.storedDraftVersion
        || now - s.storedActive >= staleAfter) {
      tx.writeBehind(new Write.SaveSession(s.record(clock, now)));
      s.stored(now);
    }
  }

  /**
   * Ends {@code s}: out of the room and the store, its stick released, the room told. Under the
   * room lock.
   */
  private void end(Session s, SystemEventType how, RoomTransaction tx) {
    end(s, new SystemEvent(how, s.username, null, null, null, null), s.username, tx);
  }

  /**
   * Ends {@code s} as {@link #end(Session, SystemEventType, RoomTransaction)} does, the room told
   * by {@code event}, caused by {@code actor}.
   */
  private void end(Session s, SystemEvent event, String actor, RoomTransaction tx) {
    SystemEventType how = event.type();
    Room room = s.room;
    tx.watch(s);
    releaseStick(s, tx);
    tx.appended(room.system(event, tx.at, actor));
    tx.write(new Write.DeleteSession(room.name, s.tokenHash));
    tx.event(
        new RoomEvent.SessionEnded(room.name, s.username, how == SystemEventType.EXPIRED, tx.at));
    s.ended = true;
    room.subscribe(s, null);
    s.draft.clear();
    sessions.ended(s);
    room.remove(s);
  }

  /** Releases the floor when {@code s} holds it; true when it did. */
  private boolean releaseStick(Session s, RoomTransaction tx) {
    if (!s.room.stick.release(s)) {
      return false;
    }
    tx.write(new Write.SaveStick(s.room.name, null, null));
    tx.appended(
        s.room.system(
            new SystemEvent(SystemEventType.STICK_RELEASED, s.username, null, null, null, null),
            tx.at));
    return true;
  }

  /** Takes {@code room} back from the store after one of its commits failed. */
  private void recover(Room room) {
    if (!home.alone() && !home.owns(room.name, room.ownerEpoch)) {
      owned.remove(room.name, room.ownerEpoch);
      if (rooms.get(room.name) == room) {
        disown(room);
      }
      return;
    }
    room.lock.lock();
    try {
      recovery.reload(room, sessions);
      room.epoch++;
      room.poisoned = false;
      if (store.rooms().stream().noneMatch(r -> r.name().equals(room.name))) {
        queue.submit(
            room, List.of(new Write.CreateRoom(room.name, room.floor, room.options)), List.of(), 0);
      }
      LOG.warn("Room {} was reloaded from the store after a failed commit", room.name);
    } catch (RuntimeException e) {
      LOG.error(
          "Reloading room {} from the store failed; it is tried again shortly: {}",
          room.name,
          e.getMessage());
    } finally {
      room.lock.unlock();
    }
    room.wakeAll();
  }

  /** Waits for {@code stored} (null: nothing to wait for); a failed commit fails the call. */
  private static void await(CompletableFuture<Void> stored) {
    if (stored == null) {
      return;
    }
    try {
      stored.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw new StoreException("the commit failed: " + e.getCause(), e.getCause());
    }
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
}
