package dev.parley.client;

import dev.parley.api.AppendResult;
import dev.parley.api.CheckResult;
import dev.parley.api.ContentPolicyException;
import dev.parley.api.FloorHeldException;
import dev.parley.api.Message;
import dev.parley.api.NoDraftException;
import dev.parley.api.NoteKind;
import dev.parley.api.PushHeldException;
import dev.parley.api.PushResult;
import dev.parley.api.ResetResult;
import dev.parley.api.UndoResult;
import dev.parley.api.WakeOn;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A small chat-room API, as the README's transcript uses it: every action returns the messages that
 * arrived since the last one, as {@code Sender: content} lines (the empty string when none), plus a
 * bracketed notice where something did not go as asked, such as an interrupted push.
 *
 * <pre>{@code
 * AsyncChatRoom chatroom = new AsyncChatRoom();   // PARLEY_URL, PARLEY_USER, PARLEY_ROOM
 * System.out.println(chatroom.check());           // ChatGPT: anyone here?
 * System.out.println(chatroom.append("yeah, i'm here"));
 * System.out.println(chatroom.push());
 * }</pre>
 *
 * <p>A text facade over {@link ChatSession}, which does the work: it rides out a refused connection
 * or a restarted server (backoff, resume, recovery of what a lost answer carried) and sends every
 * mutating call with a {@code txn_id}, so nothing is done twice. Programs that want the typed
 * results use {@link #session()}. Thread-safe: calls may overlap, such as a {@code check} in one
 * thread while another appends.
 *
 * <p>A program that shows messages its own way passes a listener to the constructor: the messages
 * then go to it instead of into the returned text, which holds only the notices.
 */
public final class AsyncChatRoom implements AutoCloseable {
  /** The default server, as {@code PARLEY_URL} would give it. */
  public static final URI DEFAULT_SERVER = URI.create("http://127.0.0.1:8890");

  /** The default room. */
  public static final String DEFAULT_ROOM = "lobby";

  /** How long a call retries an unreachable server, unless told otherwise. */
  public static final Duration DEFAULT_RETRY = ChatSession.DEFAULT_RETRY;

  private final ChatSession session;

  /** Whether a listener takes the messages (then the text holds only the notices). */
  private final boolean streaming;

  /** Notices of a lost session, said with the next call's text. */
  private final List<String> notices = new ArrayList<>();

  /**
   * Joins {@code PARLEY_ROOM} (default lobby) on {@code PARLEY_URL} as {@code PARLEY_USER}, with
   * the access key in {@code PARLEY_KEY} when there is one.
   */
  public AsyncChatRoom() {
    this(
        URI.create(env("PARLEY_URL", DEFAULT_SERVER.toString())),
        requiredEnv("PARLEY_USER"),
        env("PARLEY_ROOM", DEFAULT_ROOM),
        DEFAULT_RETRY,
        null,
        AccessKey.find(null));
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
   * Joins {@code room} on {@code server} as {@code username}, retrying an unreachable server for up
   * to {@code retryFor} per call.
   */
  public AsyncChatRoom(URI server, String username, String room, Duration retryFor) {
    this(server, username, room, retryFor, null);
  }

  /**
   * Joins {@code room} on {@code server} as {@code username}, retrying an unreachable server for up
   * to {@code retryFor} per call, and hands every delivered message to {@code listener} instead of
   * returning it: each call then returns only its notices ("" when none).
   *
   * <p>The listener gets each message once, oldest first, on the thread of the call that delivered
   * it and before that call returns. Calls are serialised around it, so two threads' deliveries
   * never interleave; it should not call this room.
   *
   * @param listener takes a non-empty list of messages per call that delivered some
   */
  public AsyncChatRoom(
      URI server,
      String username,
      String room,
      Duration retryFor,
      Consumer<List<Message>> listener) {
    this(server, username, room, retryFor, listener, null);
  }

  /**
   * As {@link #AsyncChatRoom(URI, String, String, Duration, Consumer)}, on a daemon with access
   * control ({@code parley serve --auth keys}): {@code key} is the access key that admits {@code
   * username} to {@code room}.
   *
   * @param listener takes a non-empty list of messages per call that delivered some, or null
   * @param key the access key, or null on a daemon without access control
   */
  public AsyncChatRoom(
      URI server,
      String username,
      String room,
      Duration retryFor,
      Consumer<List<Message>> listener,
      String key) {
    this(server, username, room, retryFor, listener, key, false);
  }

  /**
   * A room over the daemon's WebSocket door ({@code /rpc/ws}), subscribed: {@code listener} gets
   * the others' messages the moment they arrive, without a {@code check}, and each call's answer
   * still says what it delivered.
   *
   * @param listener takes a non-empty list of messages each time some arrive
   */
  public static AsyncChatRoom overSocket(
      URI server, String username, String room, Consumer<List<Message>> listener) {
    return new AsyncChatRoom(server, username, room, DEFAULT_RETRY, listener, null, true);
  }

  private AsyncChatRoom(
      URI server,
      String username,
      String room,
      Duration retryFor,
      Consumer<List<Message>> listener,
      String key,
      boolean socket) {
    this.streaming = listener != null;
    this.session =
        new ChatSession(
            server,
            username,
            room,
            retryFor,
            key,
            new ChatSession.Listener() {
              @Override
              public void delivered(List<Message> messages) {
                if (listener != null) {
                  listener.accept(messages);
                }
              }

              @Override
              public void rejoined() {
                synchronized (notices) {
                  notices.add(
                      "[the server had lost this session: rejoined "
                          + room
                          + " with an empty draft]");
                }
              }
            },
            socket);
  }

  /** The typed session underneath: the same calls, returning the generated result types. */
  public ChatSession session() {
    return session;
  }

  /** The room's recent messages from before this login, for context. */
  public String context() {
    return ChatText.messages(session.context());
  }

  /** The room's recent messages from before this login, oldest first. */
  public List<Message> contextMessages() {
    return session.context();
  }

  /**
   * The room's last {@code limit} messages (the server caps a page, 200 by default), oldest first,
   * own ones included. Reading the log delivers nothing and moves no cursor.
   */
  public List<Message> history(int limit) {
    return session.history(null, null, limit).messages();
  }

  /** The draft's length in characters, as the last call that changed it reported. */
  public int draftLength() {
    return session.draftLength();
  }

  /** This participant's name, as the server gave it back (normalised to NFKC). */
  public String username() {
    return session.username();
  }

  /** The room. */
  public String room() {
    return session.room();
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
    CheckResult r = session.check(timeout, wakeOn);
    return text(r.messages(), null);
  }

  /**
   * Shows observers (the viewer, the room's log) what this participant is thinking or doing; never
   * delivered to the others as chat.
   */
  public void note(NoteKind kind, String content) {
    session.note(kind, content);
  }

  /** Adds {@code text} to the draft. */
  public String append(String text) {
    try {
      AppendResult r = session.append(text);
      return text(r.messages(), ChatText.appendNotice(r));
    } catch (FloorHeldException | ContentPolicyException e) {
      return text(List.of(), ChatText.appendRefused(e));
    }
  }

  /** Removes the draft's last segment. */
  public String undo() {
    UndoResult r = session.undo();
    return text(r.messages(), ChatText.undoNotice(r));
  }

  /** Sends the draft, unless messages arrived meanwhile (then it says so and keeps the draft). */
  public String push() {
    try {
      PushResult r = session.push(false);
      return text(r.messages(), ChatText.pushNotice(r));
    } catch (NoDraftException | FloorHeldException | PushHeldException e) {
      return text(List.of(), ChatText.pushRefused(e));
    }
  }

  /** Discards the draft and gives up the talking stick. */
  public String reset() {
    ResetResult r = session.reset();
    return text(r.messages(), null);
  }

  /** Shows the whole draft. */
  public String preview() {
    var r = session.preview();
    return text(r.messages(), ChatText.previewNotice(r));
  }

  /** Claims the floor. */
  public String talkingStick() {
    var r = session.talkingStick();
    return text(r.messages(), ChatText.talkingStickNotice(r, session.username()));
  }

  /**
   * Mutes {@code user} for {@code forMs} (null: until unmuted). A moderator's: others get a 40013
   * {@link dev.parley.api.AccessDeniedException}.
   */
  public String mute(String user, Integer forMs) {
    var r = session.mute(user, forMs);
    return text(r.messages(), ChatText.moderationNotice(user + " is muted", r));
  }

  /** Lets {@code user} push again. A moderator's. */
  public String unmute(String user) {
    var r = session.unmute(user);
    return text(r.messages(), ChatText.moderationNotice(user + " may speak", r));
  }

  /** Sends {@code user} out of the room and bars the name for a while. A moderator's. */
  public String remove(String user) {
    var r = session.remove(user, null);
    return text(r.messages(), ChatText.moderationNotice(user + " is out of the room", r));
  }

  /** Stops everyone's pushes but moderators' until {@link #resume}. A moderator's. */
  public String pause() {
    var r = session.pause();
    return text(r.messages(), ChatText.moderationNotice("the room is paused", r));
  }

  /** Ends a pause. A moderator's. */
  public String resume() {
    var r = session.resume();
    return text(r.messages(), ChatText.moderationNotice("the room is resumed", r));
  }

  /** Lets the agents go on past the loop guard. A moderator's. */
  public String continueRun() {
    var r = session.continueRun();
    return text(r.messages(), ChatText.moderationNotice("the agents may go on", r));
  }

  /** Says who is in the room and what each is doing. */
  public String participants() {
    var r = session.participants();
    return text(r.messages(), ChatText.participantsNotice(r));
  }

  /** Says who has seen the message {@code messageId} (and who writes since), and who has not. */
  public String receipts(String messageId) {
    var r = session.receipts(messageId);
    return text(r.messages(), ChatText.receiptsNotice(r));
  }

  /** Says what each participant was given and did after the message {@code messageId}. */
  public String timeline(String messageId) {
    var r = session.timeline(messageId);
    return text(r.messages(), ChatText.timelineNotice(r));
  }

  /** Logs out. */
  @Override
  public void close() {
    session.close();
  }

  /**
   * A call's text: its messages (unless a listener took them), then the notices of a lost session
   * since the last call, then the call's own notice.
   */
  private String text(List<Message> messages, String notice) {
    List<String> all;
    synchronized (notices) {
      all = new ArrayList<>(notices);
      notices.clear();
    }
    if (notice != null) {
      all.add(notice);
    }
    String said = all.isEmpty() ? null : String.join("\n", all);
    if (streaming) {
      return said == null ? "" : said;
    }
    return ChatText.lines(messages, said);
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  private static String requiredEnv(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          name + " is not set: say who you are, e.g. " + name + "=claude");
    }
    return value;
  }
}
