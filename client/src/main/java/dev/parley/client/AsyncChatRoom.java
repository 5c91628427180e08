package dev.parley.client;

import dev.parley.api.AppendResult;
import dev.parley.api.CheckResult;
import dev.parley.api.ContentPolicyException;
import dev.parley.api.FloorHeldException;
import dev.parley.api.HistoryResult;
import dev.parley.api.LoginResult;
import dev.parley.api.Message;
import dev.parley.api.MessageKind;
import dev.parley.api.NoDraftException;
import dev.parley.api.NoteKind;
import dev.parley.api.NotLoggedInException;
import dev.parley.api.ParleyApi;
import dev.parley.api.ParticipantsResult;
import dev.parley.api.PreviewResult;
import dev.parley.api.PushResult;
import dev.parley.api.RateLimitedException;
import dev.parley.api.ResetResult;
import dev.parley.api.TalkingStickResult;
import dev.parley.api.UndoResult;
import dev.parley.api.WakeOn;
import dev.parley.spec.PushOutcome;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat room API of seed 001: every action returns the messages that arrived since the
 * last one, as {@code Sender: content} lines (the empty string when none), plus a bracketed
 * notice where something did not go as asked, such as an interrupted push.
 *
 * <pre>{@code
 * AsyncChatRoom chatroom = new AsyncChatRoom();   // PARLEY_URL, PARLEY_USER, PARLEY_ROOM
 * System.out.println(chatroom.check());           // ChatGPT: anyone here?
 * System.out.println(chatroom.append("yeah, i'm here"));
 * System.out.println(chatroom.push());
 * }</pre>
 *
 * <p>It rides out a refused connection or a restarted server: it retries with backoff, takes
 * its session back (draft and cursor intact), hands over the messages a lost response carried,
 * and retries a push with the same {@code txn_id}, so nothing is sent twice. Thread-safe:
 * calls may overlap, such as a {@code check} in one thread while another appends.
 *
 * <p>A program that shows messages its own way (the terminal chat, say) passes a listener to
 * the constructor: the messages then go to it instead of into the returned text, which holds
 * only the notices.
 */
public final class AsyncChatRoom implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AsyncChatRoom.class);
  /** The default server, as {@code PARLEY_URL} would give it. */
  public static final URI DEFAULT_SERVER = URI.create("http://127.0.0.1:8890");
  /** The default room. */
  public static final String DEFAULT_ROOM = "lobby";
  /** How long a call retries an unreachable server, unless told otherwise. */
  public static final Duration DEFAULT_RETRY = Duration.ofMinutes(2);
  private static final long FIRST_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 5_000;
  private static final int SEEN_MEMORY = 4096;

  private final ParleyClient client;
  private final String username;
  private final String room;
  private final Duration retryFor;
  /** The access key of a daemon with access control, or null. */
  private final String key;
  /** Takes the delivered messages instead of the returned text; null: they are in the text. */
  private final Consumer<List<Message>> listener;
  private final Object state = new Object();
  /** Ids of messages handed out, so that recovered ones are not handed out twice. */
  private final Map<String, Boolean> seen = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > SEEN_MEMORY;
    }
  };
  private final List<Message> recovered = new ArrayList<>();
  private final List<String> notices = new ArrayList<>();
  private long lastSeen;
  private int draftLength;
  private final List<Message> context;

  /**
   * Joins {@code PARLEY_ROOM} (default lobby) on {@code PARLEY_URL} as {@code PARLEY_USER}, with
   * the access key in {@code PARLEY_KEY} when there is one.
   */
  public AsyncChatRoom() {
    this(URI.create(env("PARLEY_URL", DEFAULT_SERVER.toString())), requiredEnv("PARLEY_USER"),
        env("PARLEY_ROOM", DEFAULT_ROOM), DEFAULT_RETRY, null, AccessKey.find(null));
  }

  /** Joins the lobby of the default server as {@code username}. */
  public AsyncChatRoom(String username) {
    this(DEFAULT_SERVER, username, DEFAULT_ROOM);
  }

  /** Joins {@code room} on {@code server} as {@code username}. */
  public AsyncChatRoom(URI server, String username, String room) {
    this(server, username, room, DEFAULT_RETRY);
  }

  /**
   * Joins {@code room} on {@code server} as {@code username}, retrying an unreachable server
   * for up to {@code retryFor} per call.
   */
  public AsyncChatRoom(URI server, String username, String room, Duration retryFor) {
    this(server, username, room, retryFor, null);
  }

  /**
   * Joins {@code room} on {@code server} as {@code username}, retrying an unreachable server
   * for up to {@code retryFor} per call, and hands every delivered message to {@code listener}
   * instead of returning it: each call then returns only its notices ("" when none).
   *
   * <p>The listener gets each message once, oldest first, on the thread of the call that
   * delivered it and before that call returns. Calls are serialised around it, so two threads'
   * deliveries never interleave; it should not call this room.
   *
   * @param listener takes a non-empty list of messages per call that delivered some
   */
  public AsyncChatRoom(URI server, String username, String room, Duration retryFor,
      Consumer<List<Message>> listener) {
    this(server, username, room, retryFor, listener, null);
  }

  /**
   * As {@link #AsyncChatRoom(URI, String, String, Duration, Consumer)}, on a daemon with access
   * control ({@code parley serve --auth keys}): {@code key} is the access key that admits
   * {@code username} to {@code room}.
   *
   * @param listener takes a non-empty list of messages per call that delivered some, or null
   * @param key the access key, or null on a daemon without access control
   */
  public AsyncChatRoom(URI server, String username, String room, Duration retryFor,
      Consumer<List<Message>> listener, String key) {
    this.client = ParleyClient.connect(server);
    this.room = room;
    this.retryFor = retryFor;
    this.listener = listener;
    this.key = key;
    client.key(key);
    LoginResult joined = retrying(() -> client.api().login(username, room, null, null, key),
        api -> api.login(username, room, null, null, key));
    // The server's form of the name (NFKC: a fullwidth name logs in as ASCII) is the one its
    // messages carry, so it is the one to recognise this participant's own doing by.
    this.username = joined.username();
    this.context = List.copyOf(joined.messages());
    synchronized (state) {
      joined.messages().forEach(this::see);
    }
  }

  /** The room's recent messages from before this login, for context. */
  public String context() {
    return ChatText.messages(context);
  }

  /** The room's recent messages from before this login, oldest first. */
  public List<Message> contextMessages() {
    return context;
  }

  /**
   * The room's last {@code limit} messages (the server caps a page, 200 by default), oldest
   * first, own ones included. Reading the log delivers nothing and moves no cursor.
   */
  public List<Message> history(int limit) {
    return call(api -> api.history(null, null, limit, null)).messages();
  }

  /** The draft's length in characters, as the last call that changed it reported. */
  public int draftLength() {
    synchronized (state) {
      return draftLength;
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

  /** Waits for messages (the server's default wait, 25 s) and returns them; "" when none came. */
  public String check() {
    return check(null);
  }

  /** Waits for messages at most {@code timeout} and returns them; "" when none came. */
  public String check(Duration timeout) {
    return check(timeout, WakeOn.ANY);
  }

  /**
   * Waits for messages at most {@code timeout}, waking early only as {@code wakeOn} says (with
   * {@code MENTION}, for a message naming this participant); returns everything that arrived.
   */
  public String check(Duration timeout, WakeOn wakeOn) {
    return hear(timeout, wakeOn).text();
  }

  /**
   * What one {@code check} delivered: the messages, typed and each given once (those recovered
   * after a lost answer included), and the text {@link #check(Duration, WakeOn)} returns for them.
   *
   * @param messages the messages, oldest first (also handed to the listener, when there is one)
   * @param text the messages and notices as text; with a listener, the notices alone
   */
  public record Heard(List<Message> messages, String text) {
    /** Whether a message names {@code username} (as the server found the room's names in it). */
    public boolean mentions(String username) {
      return messages.stream().anyMatch(m -> m.mentions().contains(username));
    }
  }

  /** As {@link #check(Duration, WakeOn)}, typed. */
  public Heard hear(Duration timeout, WakeOn wakeOn) {
    Long ms = timeout == null ? null : timeout.toMillis();
    CheckResult r = call(api -> api.check(ms, wakeOn), api -> {
      synchronized (state) {
        // What the lost answer carried was recovered: hand it over instead of waiting again.
        if (!recovered.isEmpty()) {
          return new CheckResult(1, List.of());
        }
      }
      return api.check(ms, wakeOn);
    });
    return heard(r.messages(), null);
  }

  /**
   * Shows observers (the viewer, the room's log) what this participant is thinking or doing;
   * never delivered to the others as chat.
   */
  public void note(NoteKind kind, String content) {
    call(api -> api.note(kind, content));
  }

  /** Adds {@code text} to the draft. */
  public String append(String text) {
    int before = draftLength();
    try {
      AppendResult r = call(api -> api.append(text, null), api -> {
        PreviewResult p = api.preview();
        if (p.draft().codePointCount(0, p.draft().length()) > before) {
          // The append landed before the connection broke: do not add the text twice.
          return new AppendResult(1, p.draft(), p.draft().codePointCount(0, p.draft().length()), null, null, p.messages());
        }
        return api.append(text, null);
      });
      draftLength(r.draftLength());
      return outText(r.messages(), ChatText.appendNotice(r));
    } catch (FloorHeldException e) {
      return out(List.of(), "[not appended: " + floorHeld(e) + "]");
    } catch (ContentPolicyException e) {
      return out(List.of(), "[not appended: the text breaks the content policy: " + detail(e) + "]");
    }
  }

  /** Removes the draft's last segment. */
  public String undo() {
    int before = draftLength();
    UndoResult r = call(api -> api.undo(null), api -> {
      PreviewResult p = api.preview();
      int now = p.draft().codePointCount(0, p.draft().length());
      return now < before ? new UndoResult(1, tail(p.draft()), now, p.messages()) : api.undo(null);
    });
    draftLength(r.draftLength());
    return outText(r.messages(), ChatText.undoNotice(r));
  }

  /** Sends the draft, unless messages arrived meanwhile (then it says so and keeps the draft). */
  public String push() {
    return send().text();
  }

  /**
   * What a push did, typed.
   *
   * @param outcome sent, interrupted (the draft is kept), or not sent (an empty draft, the floor
   *     held by another)
   * @param text what {@link #push()} returns: the messages it delivered and its notices
   */
  public record Pushed(PushOutcome outcome, String text) {}

  /** As {@link #push()}, with its outcome typed. */
  public Pushed send() {
    String txn = UUID.randomUUID().toString();
    try {
      PushResult r = call(api -> api.push(null, txn));
      PushOutcome outcome = PushOutcome.of(r);
      if (outcome == PushOutcome.SENT) {
        draftLength(0);
      }
      return new Pushed(outcome, outText(r.messages(), ChatText.pushNotice(r)));
    } catch (NoDraftException e) {
      return new Pushed(PushOutcome.NOT_SENT, out(List.of(), "[nothing to push: the draft is empty]"));
    } catch (FloorHeldException e) {
      return new Pushed(PushOutcome.NOT_SENT, out(List.of(), "[not sent: " + floorHeld(e) + "]"));
    }
  }

  /** Discards the draft and gives up the talking stick. */
  public String reset() {
    ResetResult r = call(api -> api.reset(null));
    draftLength(0);
    return out(r.messages(), null);
  }

  /** Shows the whole draft. */
  public String preview() {
    PreviewResult r = call(api -> api.preview());
    return outText(r.messages(), ChatText.previewNotice(r));
  }

  /** Claims the floor. */
  public String talkingStick() {
    TalkingStickResult r = call(api -> api.talkingStick());
    return outText(r.messages(), ChatText.talkingStickNotice(r, username));
  }

  /** Says who is in the room and what each is doing. */
  public String participants() {
    ParticipantsResult r = call(api -> api.participants());
    return outText(r.messages(), ChatText.participantsNotice(r));
  }

  /** Logs out. */
  @Override
  public void close() {
    try {
      client.api().logout();
    } catch (RuntimeException e) {
      LOG.debug("Logout of {} failed: {}", username, e.getMessage());
    }
  }

  private <T> T call(Action<T> action) {
    return call(action, action);
  }

  /**
   * Runs {@code first}; when the connection breaks or the session is gone, takes the session
   * back and runs {@code afterResume}, which knows whether the first attempt landed.
   */
  private <T> T call(Action<T> first, Action<T> afterResume) {
    return retrying(() -> first.on(client.api()), api -> {
      resume(api);
      return afterResume.on(api);
    });
  }

  private <T> T retrying(java.util.function.Supplier<T> first, Action<T> again) {
    long deadline = System.nanoTime() + retryFor.toNanos();
    long backoff = FIRST_BACKOFF_MS;
    boolean failed = false;
    while (true) {
      try {
        return failed ? again.on(client.api()) : first.get();
      } catch (ConnectionLostException | NotLoggedInException e) {
        // An interrupted caller is leaving (or its socket was closed for it): no retry.
        if (System.nanoTime() > deadline || Thread.currentThread().isInterrupted()) {
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

  /**
   * Takes the session back after a broken connection or a restarted server, and recovers the
   * messages that a lost response carried from the room's history.
   */
  private void resume(ParleyApi api) {
    LoginResult r = api.login(username, room, null, client.session(), key);
    List<Message> missed = new ArrayList<>();
    long after;
    synchronized (state) {
      after = lastSeen;
      if (!r.resumed()) {
        draftLength = 0;
        notices.add("[the server had lost this session: rejoined " + room + " with an empty draft]");
      }
    }
    HistoryResult page;
    do {
      page = api.history(null, after, null, null);
      for (Message m : page.messages()) {
        after = m.seq();
        if (!ownDoing(m)) {
          missed.add(m);
        }
      }
    } while (page.hasMore());
    synchronized (state) {
      recovered.addAll(missed);
    }
  }

  /**
   * Whether this participant caused {@code m} (its own chat message, or a system message about
   * it): the server never delivers those to their author, so recovery must not either.
   */
  private boolean ownDoing(Message m) {
    if (m.kind() == MessageKind.CHAT) {
      return m.senderId().equals(username);
    }
    return m.event() != null && m.event().user().equalsIgnoreCase(username);
  }

  /**
   * The messages of a call, after any recovered ones, and a notice: one text, or, with a
   * listener, the messages to it and the notices returned.
   */
  private String out(List<Message> messages, String notice) {
    return heard(messages, notice).text();
  }

  /** What a call delivered, each message once, with the notices of this call and earlier resumes. */
  private Heard heard(List<Message> messages, String notice) {
    synchronized (state) {
      List<Message> all = takeRecovered();
      for (Message m : messages) {
        if (see(m)) {
          all.add(m);
        }
      }
      if (listener == null) {
        return new Heard(List.copyOf(all), ChatText.lines(all, joinNotices(notice)));
      }
      if (!all.isEmpty()) {
        listener.accept(List.copyOf(all));
      }
      String notices = joinNotices(notice);
      return new Heard(List.copyOf(all), notices == null ? "" : notices);
    }
  }

  /**
   * Like {@link #out}, but a call's own messages come after the notices of an earlier resume,
   * with this call's notice last: how the text has always read without a listener.
   */
  private String outText(List<Message> messages, String notice) {
    if (listener != null) {
      return out(messages, notice);
    }
    synchronized (state) {
      messages.forEach(this::see);
      List<Message> earlier = takeRecovered();
      String prefix = ChatText.lines(earlier, joinNotices(null));
      String text = ChatText.lines(messages, notice);
      if (prefix.isEmpty()) {
        return text;
      }
      return text.isEmpty() ? prefix : prefix + "\n" + text;
    }
  }

  private List<Message> takeRecovered() {
    List<Message> out = new ArrayList<>();
    for (Message m : recovered) {
      if (see(m)) {
        out.add(m);
      }
    }
    recovered.clear();
    return out;
  }

  private String joinNotices(String notice) {
    List<String> all = new ArrayList<>(notices);
    notices.clear();
    if (notice != null) {
      all.add(notice);
    }
    return all.isEmpty() ? null : String.join("\n", all);
  }

  /** Marks a message handed out; false when it already was. */
  private boolean see(Message m) {
    lastSeen = Math.max(lastSeen, m.seq());
    return seen.put(m.messageId(), Boolean.TRUE) == null;
  }

  private void draftLength(int length) {
    synchronized (state) {
      draftLength = length;
    }
  }

  private static String tail(String draft) {
    int n = draft.codePointCount(0, draft.length());
    return n <= 80 ? draft : draft.substring(draft.offsetByCodePoints(0, n - 80));
  }

  private static String floorHeld(FloorHeldException e) {
    String holder = e.holder();
    return holder == null
        ? "this room needs the talking stick; claim it first"
        : "the floor is held by " + holder + "; claim the talking stick when it is free";
  }

  private static String detail(RuntimeException e) {
    String detail = e instanceof dev.parley.api.ParleyRpcException p ? p.detail() : null;
    return detail == null ? e.getMessage() : detail;
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to retry", e);
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  private static String requiredEnv(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(name + " is not set: say who you are, e.g. " + name + "=claude");
    }
    return value;
  }

  /** One attempt of a call on the generated API. */
  @FunctionalInterface
  private interface Action<T> {
    T on(ParleyApi api);
  }
}
