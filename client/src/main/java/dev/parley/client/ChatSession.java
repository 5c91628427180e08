package dev.parley.client;

import dev.parley.api.AppendResult;
import dev.parley.api.CheckResult;
import dev.parley.api.HistoryResult;
import dev.parley.api.LoginResult;
import dev.parley.api.Message;
import dev.parley.api.MessagesNotification;
import dev.parley.api.ModerationResult;
import dev.parley.api.NotLoggedInException;
import dev.parley.api.NoteKind;
import dev.parley.api.NoteResult;
import dev.parley.api.ParleyApi;
import dev.parley.api.ParleyRpcException;
import dev.parley.api.ParticipantKind;
import dev.parley.api.ParticipantsResult;
import dev.parley.api.PreviewResult;
import dev.parley.api.PushResult;
import dev.parley.api.RateLimitedException;
import dev.parley.api.ReceiptsResult;
import dev.parley.api.ResetResult;
import dev.parley.api.SubscribeResult;
import dev.parley.api.TalkingStickResult;
import dev.parley.api.TimelineResult;
import dev.parley.api.UndoResult;
import dev.parley.api.WakeOn;
import dev.parley.spec.PushOutcome;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One participant's session in one room, typed and resilient: each protocol call returns the
 * generated result type, and the session rides out a refused connection, a lost answer and a
 * restarted daemon by itself.
 *
 * <ul>
 *   <li><b>Backoff</b>: a call that meets no daemon (or a session the daemon no longer knows) is
 *       retried with exponential backoff and jitter for up to the retry window; a rate limit is
 *       waited out for as long as the daemon says.
 *   <li><b>Resume</b>: before a retry the session logs in again with its token, so the draft,
 *       cursor and floor claim come back; a daemon that lost the session gives a new one (the
 *       {@link Listener} hears of it).
 *   <li><b>Recovery</b>: the messages a lost answer carried are read back from the history with
 *       {@code exclude_own}, so the server's own-doing rule decides what this session would have
 *       been delivered, and they come first in the next result.
 *   <li><b>De-duplication</b>: each message is handed over once, whether it came in an answer or
 *       from the history.
 *   <li><b>{@code txn_id}</b> on every mutating call ({@code append}, {@code undo}, {@code reset},
 *       {@code push}): its retry carries the same id, so a call whose answer was lost is answered
 *       by the daemon with its first result instead of running twice.
 * </ul>
 *
 * <p>Thread-safe: calls may overlap, such as a {@code check} in one thread while another appends.
 */
public final class ChatSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChatSession.class);

  /** How long a call retries an unreachable server, unless told otherwise. */
  public static final Duration DEFAULT_RETRY = Duration.ofMinutes(2);

  private static final long FIRST_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 5_000;

  /** How many delivered messages are remembered to hand none over twice. */
  private static final int SEEN_MEMORY = 4096;

  /** What a session tells its owner besides the results. */
  public interface Listener {
    /**
     * Messages a call delivered (those recovered after a lost answer first), each once, oldest
     * first, on the thread of that call and before it returns. Calls are serialised around it, so
     * two threads' deliveries never interleave; it should not call the session.
     */
    default void delivered(List<Message> messages) {}

    /** The daemon had lost the session: it was joined anew, with an empty draft. */
    default void rejoined() {}

    /**
     * Over a socket: the socket closed and subscribing again met no daemon for the whole retry
     * window ({@code false}; the session goes on trying, at the longest backoff), or, after that,
     * it is subscribed again ({@code true}). Called on the session's own keeper thread.
     */
    default void reachable(boolean reached) {}
  }

  private final ParleyClient client;
  private final String username;

  /** Whether the login said this session may moderate its room. */
  private final boolean moderator;

  private final String room;
  private final Duration retryFor;

  /** The access key of a daemon with access control, or null. */
  private final String key;

  private final Listener listener;

  /** Whether a person or a program holds the session. */
  private final ParticipantKind kind;

  /** {@code login}'s {@code subscribe}: true over a socket, else absent. */
  private final Boolean subscribe;

  private final List<Message> context;
  private final Object state = new Object();

  /**
   * Sequence numbers of the messages handed over, so that recovered ones are not handed over twice.
   */
  private final Map<Long, Boolean> seen =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
          return size() > SEEN_MEMORY;
        }
      };

  /** Read back from the history after a lost answer, not yet handed over. */
  private final List<Message> recovered = new ArrayList<>();

  private volatile boolean closed;

  /** Over a socket: the thread that subscribes again whenever the socket closes; else null. */
  private final Thread keeper;

  private long lastSeen;
  private int draftLength;

  /** How many messages one answer may deliver at most ({@code limits.response_messages}). */
  private final int answerMessages;

  /** How many bytes of messages one answer may deliver at most ({@code limits.response_bytes}). */
  private final long answerBytes;

  /**
   * Joins {@code room} on {@code server} as {@code username}, retrying an unreachable server for up
   * to {@code retryFor} per call.
   *
   * @param key the access key of a daemon with access control, or null
   * @param listener hears of delivered messages and a lost session; null: nobody
   */
  public ChatSession(
      URI server, String username, String room, Duration retryFor, String key, Listener listener) {
    this(server, username, room, retryFor, key, listener, false);
  }

  /**
   * As {@link #ChatSession(URI, String, String, Duration, String, Listener)}; with {@code socket},
   * over the daemon's WebSocket door, subscribed: the others' messages reach the listener the
   * moment they arrive, without a {@code check}. When the socket closes (the daemon stopped, the
   * network broke), a thread of the session's own opens another and subscribes again, handing over
   * what arrived meanwhile, until the session is closed (see {@link Listener#reachable}).
   */
  public ChatSession(
      URI server,
      String username,
      String room,
      Duration retryFor,
      String key,
      Listener listener,
      boolean socket) {
    this(server, username, room, retryFor, key, listener, socket, ParticipantKind.AGENT);
  }

  /**
   * As {@link #ChatSession(URI, String, String, Duration, String, Listener, boolean)}, for a
   * participant of {@code kind}: a person ({@link ParticipantKind#HUMAN}, as {@code parley chat}
   * logs in) or a program.
   */
  public ChatSession(
      URI server,
      String username,
      String room,
      Duration retryFor,
      String key,
      Listener listener,
      boolean socket,
      ParticipantKind kind) {
    this.kind = kind;
    this.listener = listener != null ? listener : new Listener() {};
    this.subscribe = socket ? Boolean.TRUE : null;
    this.client =
        socket
            ? ParleyClient.connectSocket(
                server,
                new ParleyClient.Notifications() {
                  @Override
                  public void messages(MessagesNotification notification) {
                    deliver(notification.messages());
                  }
                })
            : ParleyClient.connect(server);
    this.room = room;
    this.retryFor = retryFor;
    this.key = key;
    client.key(key);
    LoginResult joined =
        retrying(
            () -> client.api().login(username, room, null, null, key, subscribe, kind, null),
            api -> api.login(username, room, null, null, key, subscribe, kind, null));
    // The server's form of the name (NFKC: a fullwidth name logs in as ASCII) is the one its
    // messages and mentions carry.
    this.username = joined.username();
    this.moderator = Boolean.TRUE.equals(joined.moderator());
    this.context = List.copyOf(joined.messages());
    this.answerMessages = joined.limits().responseMessages();
    this.answerBytes = joined.limits().responseBytes();
    synchronized (state) {
      context.forEach(this::see);
    }
    if (socket) {
      long subscribedOn = client.socketOfLastCall();
      keeper =
          Thread.ofVirtual()
              .name("parley-subscription-" + this.username)
              .start(() -> keepSubscribed(subscribedOn));
    } else {
      keeper = null;
    }
  }

  /** This participant's name, as the server gave it back (normalised to NFKC). */
  public String username() {
    return username;
  }

  /** The room. */
  public String room() {
    return room;
  }

  /**
   * Whether this session may moderate the room ({@code mute}, {@code remove}, {@code pause}...), as
   * its login said.
   */
  public boolean moderator() {
    return moderator;
  }

  /** The room's recent messages from before this login, oldest first. */
  public List<Message> context() {
    return context;
  }

  /** The draft's length in characters, as the last call that tells it reported. */
  public int draftLength() {
    synchronized (state) {
      return draftLength;
    }
  }

  /** {@code append}: adds {@code text} to the draft, at most once however often it is retried. */
  public AppendResult append(String text) {
    String txn = txnId();
    AppendResult r = call(api -> api.append(text, txn));
    List<Message> messages = deliver(r.messages());
    draftLength(r.draftLength());
    return new AppendResult(
        r.status(), r.suffix(), r.draftLength(), r.truncated(), r.reason(), messages);
  }

  /** {@code undo}: removes the draft's last segment, at most once however often it is retried. */
  public UndoResult undo() {
    String txn = txnId();
    UndoResult r = call(api -> api.undo(txn));
    List<Message> messages = deliver(r.messages());
    draftLength(r.draftLength());
    return new UndoResult(r.status(), r.suffix(), r.draftLength(), messages);
  }

  /** {@code reset}: empties the draft and gives up the talking stick. */
  public ResetResult reset() {
    String txn = txnId();
    ResetResult r = call(api -> api.reset(txn));
    List<Message> messages = deliver(r.messages());
    draftLength(0);
    return new ResetResult(r.status(), messages);
  }

  /**
   * {@code push}: sends the draft, at most once however often it is retried.
   *
   * @param force send even when messages arrived meanwhile
   * @throws dev.parley.api.NoDraftException when the draft is empty
   * @throws dev.parley.api.FloorHeldException when another holds the floor of a {@code stick} room
   */
  public PushResult push(boolean force) {
    String txn = txnId();
    PushResult r = call(api -> api.push(force ? Boolean.TRUE : null, txn));
    List<Message> messages = deliver(r.messages());
    if (PushOutcome.of(r) == PushOutcome.SENT) {
      draftLength(0);
    }
    return new PushResult(
        r.status(), r.messageId(), r.timestamp(), r.interrupted(), messages, r.reason());
  }

  /**
   * {@code check}: waits for messages at most {@code timeout} (null: the server's default), waking
   * early only as {@code wakeOn} says. Messages recovered after a lost answer are handed over at
   * once instead of waiting again.
   */
  public CheckResult check(Duration timeout, WakeOn wakeOn) {
    Long ms = timeout == null ? null : timeout.toMillis();
    CheckResult r =
        call(
            api -> api.check(ms, wakeOn),
            api -> {
              synchronized (state) {
                if (!recovered.isEmpty()) {
                  return new CheckResult(1, List.of());
                }
              }
              return api.check(ms, wakeOn);
            });
    List<Message> messages = deliver(r.messages());
    return new CheckResult(messages.isEmpty() ? r.status() : 1, messages);
  }

  /** {@code preview}: the whole draft. */
  public PreviewResult preview() {
    PreviewResult r = call(ParleyApi::preview);
    List<Message> messages = deliver(r.messages());
    draftLength(r.draft().codePointCount(0, r.draft().length()));
    return new PreviewResult(r.draft(), r.segments(), messages);
  }

  /** {@code talking_stick}: claims the floor. */
  public TalkingStickResult talkingStick() {
    TalkingStickResult r = call(ParleyApi::talkingStick);
    return new TalkingStickResult(r.granted(), r.holder(), deliver(r.messages()));
  }

  /**
   * {@code mute}: refuses {@code user}'s pushes for {@code forMs} (null: until unmuted). A
   * moderator's.
   *
   * @throws dev.parley.api.AccessDeniedException when this session is no moderator
   */
  public ModerationResult mute(String user, Integer forMs) {
    return delivered(call(api -> api.mute(user, forMs)));
  }

  /** {@code unmute}: lets {@code user} push again. A moderator's. */
  public ModerationResult unmute(String user) {
    return delivered(call(api -> api.unmute(user)));
  }

  /**
   * {@code remove}: ends {@code user}'s session and bars the name for {@code forMs} (null: the
   * daemon's default). A moderator's.
   */
  public ModerationResult remove(String user, Integer forMs) {
    return delivered(call(api -> api.remove(user, forMs)));
  }

  /** {@code pause}: only moderators push until {@code resume}. A moderator's. */
  public ModerationResult pause() {
    return delivered(call(ParleyApi::pause));
  }

  /** {@code resume}: ends a pause. A moderator's. */
  public ModerationResult resume() {
    return delivered(call(ParleyApi::resume));
  }

  /** {@code continue}: lets the agents go on past the loop guard. A moderator's. */
  public ModerationResult continueRun() {
    return delivered(call(ParleyApi::continue_));
  }

  private ModerationResult delivered(ModerationResult r) {
    return new ModerationResult(r.status(), deliver(r.messages()));
  }

  /** {@code participants}: who is in the room and what each is doing. */
  public ParticipantsResult participants() {
    ParticipantsResult r = call(ParleyApi::participants);
    return new ParticipantsResult(r.participants(), deliver(r.messages()));
  }

  /**
   * {@code history}: a page of the room's log, own messages included; delivers nothing and moves no
   * cursor.
   */
  public HistoryResult history(Long before, Long after, Integer limit) {
    return call(api -> api.history(before, after, limit, null));
  }

  /** {@code receipts}: who has been delivered the message {@code messageId}, and when. */
  public ReceiptsResult receipts(String messageId) {
    ReceiptsResult r = call(api -> api.receipts(messageId));
    return new ReceiptsResult(r.messageId(), r.seq(), r.receipts(), deliver(r.messages()));
  }

  /**
   * {@code timeline}: what each participant was given and did after the message {@code messageId}.
   */
  public TimelineResult timeline(String messageId) {
    TimelineResult r = call(api -> api.timeline(messageId));
    return new TimelineResult(
        r.messageId(), r.seq(), r.complete(), r.participants(), deliver(r.messages()));
  }

  /**
   * {@code note}: shows observers what this participant thinks or does; never delivered as chat.
   */
  public NoteResult note(NoteKind kind, String content) {
    return call(api -> api.note(kind, content));
  }

  /**
   * Logs out, once; a call still running then fails instead of taking the session back, so that a
   * closed session never logs in again.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (keeper != null) {
      keeper.interrupt();
    }
    try {
      client.api().logout();
    } catch (RuntimeException e) {
      LOG.debug("Logout of {} failed: {}", username, e.getMessage());
    } finally {
      client.closeSocket();
    }
  }

  /**
   * The keeper: whenever the subscribed socket closes, subscribes again (which opens a socket),
   * with the usual retrying; past the retry window it tells the listener and goes on trying, since
   * a session that only listens makes no call that would bring the subscription back.
   */
  private void keepSubscribed(long socket) {
    boolean lost = false;
    long subscribedOn = socket;
    while (!closed) {
      try {
        client.awaitSocketClosed(subscribedOn);
        if (closed) {
          return;
        }
        // What the daemon wrote to the lost socket may never have arrived (a network that broke
        // swallows it): read the log past what was handed over, as for a lost answer, before
        // subscribing on the new socket, so that the order holds.
        long from;
        synchronized (state) {
          from = lastSeen;
        }
        call(api -> recoverAfter(api, from));
        SubscribeResult r = call(api -> api.subscribe(true));
        subscribedOn = client.socketOfLastCall();
        deliver(r.messages());
        if (lost) {
          lost = false;
          listener.reachable(true);
        }
      } catch (ConnectionLostException e) {
        if (closed || Thread.currentThread().isInterrupted()) {
          return;
        }
        if (!lost) {
          lost = true;
          LOG.warn("{}: no daemon to subscribe again; still trying", username);
          listener.reachable(false);
        }
        try {
          Thread.sleep(MAX_BACKOFF_MS);
        } catch (InterruptedException stop) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      } catch (ParleyRpcException e) {
        // Refused for good (such as a subscription among several daemons): calls still work.
        LOG.warn("{}: the daemon refused to subscribe again: {}", username, e.getMessage());
        return;
      } catch (IllegalStateException e) {
        // Interrupted while backing off: the session is closing.
        if (closed) {
          return;
        }
        throw e;
      }
    }
  }

  /** Whether messages come as notifications over a socket, without {@code check}. */
  public boolean pushed() {
    return subscribe != null;
  }

  private static String txnId() {
    return UUID.randomUUID().toString();
  }

  private <T> T call(Action<T> action) {
    return call(action, action);
  }

  /**
   * Runs {@code first}; when the connection breaks or the session is gone, takes the session back
   * and runs {@code afterResume}.
   */
  private <T> T call(Action<T> first, Action<T> afterResume) {
    // What a lost answer of this call carried lies after what had been handed over when it began,
    // even if another call hands over newer messages before this one takes its session back.
    long from;
    synchronized (state) {
      from = lastSeen;
    }
    int[] attempts = {1};
    return retrying(
        () -> first.on(client.api()),
        api -> {
          resume(api, from, attempts[0]++);
          return afterResume.on(api);
        });
  }

  private <T> T retrying(Supplier<T> first, Action<T> again) {
    long deadline = System.nanoTime() + retryFor.toNanos();
    long backoff = FIRST_BACKOFF_MS;
    boolean failed = false;
    while (true) {
      try {
        return failed ? again.on(client.api()) : first.get();
      } catch (ConnectionLostException | NotLoggedInException e) {
        // An interrupted caller is leaving (or its socket was closed for it): no retry. Nor when
        // a moderator removed the session: its name may not come back for a while.
        if (closed
            || System.nanoTime() > deadline
            || Thread.currentThread().isInterrupted()
            || removed(e)) {
          throw e;
        }
        // Once a call is enough to say so; each further attempt only in a debug log.
        if (failed) {
          LOG.debug("{}: {}; retrying", username, e.getMessage());
        } else {
          LOG.info("{}: {}; retrying with backoff", username, e.getMessage());
        }
        pause(backoff + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        failed = true;
      } catch (RateLimitedException e) {
        Long wait = e.retryAfterMs();
        pause(wait == null ? FIRST_BACKOFF_MS : wait);
      }
    }
  }

  private static boolean removed(RuntimeException e) {
    return e instanceof NotLoggedInException n && n.reason() == NotLoggedInException.Reason.REMOVED;
  }

  /**
   * Takes the session back after a broken connection or a restarted server, and reads back from the
   * history what a lost answer carried: what the server would have delivered, by its rule.
   */
  private void resume(ParleyApi api, long from, int lostAnswers) {
    LoginResult r = api.login(username, room, null, client.session(), key, subscribe, kind, null);
    long after = from;
    synchronized (state) {
      if (!r.resumed()) {
        draftLength = 0;
      }
    }
    if (!r.resumed()) {
      LOG.warn(
          "{}: the daemon had lost this session; rejoined {} with an empty draft", username, room);
      listener.rejoined();
    }
    // Each attempt that may have reached the daemon delivered at most one answer's worth of
    // messages not handed over yet; those past that bound were never delivered, so the session's
    // cursor brings them as usual, and reading on would hold an unbounded backlog in memory.
    // An answer is bounded in messages and in bytes; so is what is held here (a message's
    // content stands for its size: the rest of its JSON is small and bounded by the count).
    long countBound = (long) lostAnswers * answerMessages;
    long byteBound = lostAnswers * answerBytes;
    List<Message> missed = new ArrayList<>();
    long missedBytes = 0;
    HistoryResult page;
    do {
      page = api.history(null, after, null, true);
      for (Message m : page.messages()) {
        after = m.seq();
        if (missed.size() < countBound && missedBytes < byteBound && !handedOver(m)) {
          missed.add(m);
          missedBytes += m.content().getBytes(StandardCharsets.UTF_8).length;
        }
      }
    } while (page.hasMore()
        && !page.messages().isEmpty()
        && missed.size() < countBound
        && missedBytes < byteBound);
    synchronized (state) {
      for (Message m : missed) {
        if (recovered.stream().noneMatch(held -> held.seq() == m.seq())) {
          recovered.add(m);
        }
      }
    }
  }

  /**
   * Hands over, a page at a time, the messages after {@code after} that the daemon would have
   * delivered ({@code exclude_own}), but for those handed over already.
   */
  private Void recoverAfter(ParleyApi api, long after) {
    HistoryResult page;
    long next = after;
    do {
      page = api.history(null, next, null, true);
      for (Message m : page.messages()) {
        next = m.seq();
      }
      deliver(page.messages());
    } while (page.hasMore() && !page.messages().isEmpty());
    return null;
  }

  /** What a call hands over: recovered messages first, then its own, each message once. */
  private List<Message> deliver(List<Message> messages) {
    synchronized (state) {
      List<Message> out = new ArrayList<>();
      for (Message m : recovered) {
        if (see(m)) {
          out.add(m);
        }
      }
      recovered.clear();
      for (Message m : messages) {
        if (see(m)) {
          out.add(m);
        }
      }
      if (!out.isEmpty()) {
        listener.delivered(List.copyOf(out));
      }
      return List.copyOf(out);
    }
  }

  /** Whether {@code m} was handed over already. */
  private boolean handedOver(Message m) {
    synchronized (state) {
      return seen.containsKey(m.seq());
    }
  }

  /** Marks a message handed over; false when it already was. */
  private boolean see(Message m) {
    lastSeen = Math.max(lastSeen, m.seq());
    return seen.put(m.seq(), Boolean.TRUE) == null;
  }

  private void draftLength(int length) {
    synchronized (state) {
      draftLength = length;
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to retry", e);
    }
  }

  /** One attempt of a call on the generated API. */
  @FunctionalInterface
  private interface Action<T> {
    T on(ParleyApi api);
  }
}
