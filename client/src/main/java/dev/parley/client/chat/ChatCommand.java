package dev.parley.client.chat;

import dev.parley.api.AppendResult;
import dev.parley.api.ContentPolicyException;
import dev.parley.api.FloorHeldException;
import dev.parley.api.Message;
import dev.parley.api.MessageKind;
import dev.parley.api.ModerationResult;
import dev.parley.api.NoDraftException;
import dev.parley.api.ParleyRpcException;
import dev.parley.api.ParticipantKind;
import dev.parley.api.PushHeldException;
import dev.parley.api.PushResult;
import dev.parley.api.UndoResult;
import dev.parley.api.UsernameTakenException;
import dev.parley.api.WakeOn;
import dev.parley.client.AccessKey;
import dev.parley.client.AsyncChatRoom;
import dev.parley.client.ChatSession;
import dev.parley.client.ChatText;
import dev.parley.client.ConnectionLostException;
import dev.parley.client.ParleyClient;
import dev.parley.spec.PushOutcome;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code parley chat}: a person in a room, from a terminal or through pipes. A typed line is sent
 * (append, then push); slash commands reach the rest of the protocol. Messages from the others
 * appear as they arrive: pushed on the daemon's WebSocket door ({@code /rpc/ws}, subscribed), or
 * with {@code --http} by a virtual thread that keeps a {@code check} waiting; the messages that the
 * person's own calls deliver are shown too, each message once.
 *
 * <p>{@code /mute} stops the live stream: the listener stops checking, so messages wait on the
 * server, and those delivered meanwhile (by the person's own calls, or the check under way) are
 * held; {@code /mute} again shows the held ones, then the waiting ones arrive. Since a muted person
 * has not seen what was said, a drafted push is then interrupted by it, as the protocol means: by
 * the daemon for what is still waiting there, and by the chat itself for what it holds (the daemon
 * counts a held message as delivered).
 *
 * <p>With {@code --moderator} the chat is a moderator's console: {@code /toggle} hides and shows
 * the stream the same way, and a typed line is sent even when others spoke meanwhile (a moderator's
 * word is not held back by what they chose not to read).
 *
 * <p>On a terminal the input line is edited with JLine ({@link TerminalConsole}); through pipes it
 * is plain lines in, plain lines out (UTF-8), each flushed at once. The end of the input is {@code
 * /quit}: it logs out and exits 0.
 */
@Command(
    name = "chat",
    sortOptions = false,
    description =
        "Joins a room and chats from the terminal: type a line to send it. "
            + "Each option can also be set by the environment variable shown.",
    footer = ChatCommand.COMMANDS)
public final class ChatCommand implements Callable<Integer> {
  /** The slash commands, for --help and /help ({@code %n}: a line break, as picocli writes it). */
  static final String COMMANDS =
      "Type a line and press Enter to send it. Commands:%n"
          + "  /draft TEXT    add TEXT to the draft as a new line, without sending%n"
          + "  /undo          remove the draft's last part%n"
          + "  /preview       show the draft%n"
          + "  /push          send the draft%n"
          + "  /reset         drop the draft (and the talking stick)%n"
          + "  /who           who is in the room and what each is doing%n"
          + "  /stick         claim the talking stick%n"
          + "  /history [N]   the room's last N messages (default 20)%n"
          + "  /mute          stop showing messages; again shows what came (also /toggle)%n"
          + "  /seen [ID]     who has seen your last message (or message ID), who has not%n"
          + "  /timeline [ID] what each participant did after it: why someone did not answer%n"
          + "A moderator of the room (its creator, or a key with the moderator right) also has:%n"
          + "  /mute NAME [S] stop NAME's messages, for S seconds or until /unmute NAME%n"
          + "  /unmute NAME   let NAME speak again%n"
          + "  /remove NAME   send NAME out of the room (the name is barred for 10 minutes)%n"
          + "  /pause         only moderators speak until /resume%n"
          + "  /resume        end the pause%n"
          + "  /continue      let the agents go on past the loop guard%n"
          + "  /help          this list%n"
          + "  /quit          log out and leave (so does the end of the input)%n"
          + "A line that starts with // is sent as text, less its first slash.";

  private static final int DEFAULT_HISTORY = 20;

  /** The longest mute {@code /mute NAME SECONDS} asks for: a week, as the spec's {@code for_ms}. */
  private static final long MOST_MUTE_SECONDS = 604_800;

  /** {@code NAME SECONDS}: a name (spaces allowed), then a last word of digits. */
  private static final Pattern BOUNDED_MUTE = Pattern.compile("(.+?)\\s+([0-9]{1,12})");

  private static final Duration LISTENER_STOP = Duration.ofSeconds(5);
  private static final Duration ERROR_PAUSE = Duration.ofSeconds(1);

  /** How often a muted chat makes a call anyway: an idle session ends after its TTL (10 min). */
  private static final Duration MUTED_KEEP_ALIVE = Duration.ofMinutes(1);

  @Spec CommandSpec spec;

  @Option(
      names = "--user",
      paramLabel = "NAME",
      defaultValue = "${env:PARLEY_USER}",
      description = "Your name in the room; required (PARLEY_USER).")
  String user;

  @Option(
      names = "--room",
      paramLabel = "ROOM",
      defaultValue = "${env:PARLEY_ROOM:-" + AsyncChatRoom.DEFAULT_ROOM + "}",
      description = "The room to join, created if new (PARLEY_ROOM, default ${DEFAULT-VALUE}).")
  String room;

  @Option(
      names = "--server",
      paramLabel = "URL",
      defaultValue = "${env:PARLEY_URL:-http://127.0.0.1:8890}",
      description = "The daemon (PARLEY_URL, default ${DEFAULT-VALUE}).")
  URI server;

  @Option(
      names = "--key-file",
      paramLabel = "PATH",
      defaultValue = "${env:PARLEY_KEY_FILE}",
      description =
          "A file holding your access key, for a daemon with access control; or set PARLEY_KEY"
              + " (PARLEY_KEY_FILE).")
  Path keyFile;

  @Option(
      names = "--retry-seconds",
      paramLabel = "N",
      defaultValue = "${env:PARLEY_RETRY_SECONDS:-10}",
      description =
          "How long a call retries an unreachable daemon, with backoff, before it says so "
              + "(PARLEY_RETRY_SECONDS, default ${DEFAULT-VALUE}).")
  int retrySeconds;

  @Option(
      names = "--moderator",
      description =
          "A moderator's console: a typed line is sent even when others spoke meanwhile, and"
              + " /toggle hides or shows incoming messages.")
  boolean moderator;

  @Option(
      names = "--hide-messages",
      description =
          "Start with incoming messages hidden (/toggle shows them); implies --moderator.")
  boolean hideMessages;

  @Option(
      names = "--http",
      description =
          "Wait for messages with check over POST /rpc instead of receiving them on the"
              + " WebSocket /rpc/ws, for a proxy that does not pass WebSockets.")
  boolean http;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean help;

  private final AtomicBoolean leaving = new AtomicBoolean();

  /** The id of the last message this chat sent, what /seen and /timeline tell of by default. */
  private String lastSent;

  private Console console;
  private Screen screen;
  private ChatSession chat;
  private Thread listener;

  /** The thread that reads the input and makes the person's calls. */
  private Thread inputThread;

  /**
   * Whether the daemon lost the session during the person's current call. Only the input thread
   * touches it: the session tells its listener on the thread of the call that rejoined.
   */
  private boolean rejoinedInCall;

  /**
   * Runs {@code parley chat} alone, as a test or a script may.
   *
   * @param args the options of {@code parley chat}
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new ChatCommand()).execute(args));
  }

  @Override
  public Integer call() {
    if (user == null || user.isBlank()) {
      throw new ParameterException(
          spec.commandLine(), "Missing --user (or PARLEY_USER): the name to chat as");
    }
    moderator |= hideMessages;
    PrintWriter err = spec.commandLine().getErr();
    console = Console.open(user + "> ");
    try {
      return chat(err);
    } finally {
      console.close();
    }
  }

  private int chat(PrintWriter err) {
    screen = new Screen(console::print, null, moderator);
    inputThread = Thread.currentThread();
    if (!join(err)) {
      return 1;
    }
    if (console.terminal()) {
      // The server's form of the name is the one its messages carry.
      screen.markOwn(chat.username());
      console.prompt(prompt());
    }
    screen.show(chat.context());
    screen.say(
        "[you are "
            + user
            + " in "
            + room
            + (moderator ? " as the moderator" : "")
            + "; type a line to send it, /help lists the commands]");
    if (hideMessages) {
      screen.toggleMute();
      console.prompt(prompt());
    }
    if (!chat.pushed()) {
      listener = Thread.ofVirtual().name("parley-chat-listener").start(this::listen);
    }
    // Ctrl-C (or a kill) still logs out, so the room sees the person leave.
    Runtime.getRuntime().addShutdownHook(new Thread(this::leave, "parley-chat-leave"));
    try {
      String line;
      while ((line = console.readLine()) != null && handle(line)) {
        // Each line is handled in the condition; the end of the input quits like /quit.
      }
    } catch (IOException e) {
      screen.say("[the input broke (" + e.getMessage() + "): leaving]");
    }
    leave();
    return 0;
  }

  /** The input line's start on a terminal: the name, and whether the stream is held. */
  private String prompt() {
    List<String> marks = new ArrayList<>();
    if (moderator) {
      marks.add("moderator");
    }
    if (screen.muted()) {
      marks.add(moderator ? "hidden" : "muted");
    }
    return user + (marks.isEmpty() ? "" : " [" + String.join(", ", marks) + "]") + "> ";
  }

  /** Logs in; false, after saying why on {@code err}, when that cannot be done. */
  private boolean join(PrintWriter err) {
    Duration retry = Duration.ofSeconds(retrySeconds);
    String key;
    try {
      key = AccessKey.find(keyFile);
    } catch (IllegalArgumentException e) {
      err.println("parley chat: " + e.getMessage());
      err.flush();
      return false;
    }
    try {
      // A quick look first, so that nobody stares at a silent terminal while the login retries.
      ParleyClient look = ParleyClient.connect(server);
      look.key(key);
      look.api().rooms();
    } catch (ConnectionLostException e) {
      screen.say(
          "[no daemon answers at "
              + server
              + "; retrying with backoff for up to "
              + retrySeconds
              + " s (start one with: parley serve)]");
    } catch (RuntimeException e) {
      // Anything else (an odd answer) the login below meets again and reports.
    }
    try {
      chat =
          new ChatSession(
              server,
              user,
              room,
              retry,
              key,
              new ChatSession.Listener() {
                @Override
                public void delivered(List<Message> messages) {
                  screen.incoming(messages);
                }

                @Override
                public void reachable(boolean reached) {
                  screen.say(
                      reached
                          ? "[the daemon answers again]"
                          : "[the daemon at "
                              + server
                              + " does not answer; still retrying with backoff]");
                }

                @Override
                public void rejoined() {
                  if (Thread.currentThread() == inputThread) {
                    rejoinedInCall = true;
                  }
                  screen.say(
                      "[the server had lost this session: rejoined "
                          + room
                          + " with an empty draft]");
                }
              },
              !http,
              ParticipantKind.HUMAN);
      return true;
    } catch (ConnectionLostException e) {
      err.println(
          "parley chat: no daemon answers at "
              + server
              + " (retried with backoff for "
              + retrySeconds
              + " s); start one with: parley serve");
    } catch (UsernameTakenException e) {
      // The daemon's detail says who holds the name and how to get it back (resume, or when).
      err.println(
          "parley chat: "
              + (e.detail() == null ? user + " is already in " + room : e.detail())
              + "; or choose another --user");
    } catch (ParleyRpcException e) {
      err.println("parley chat: cannot join " + room + " as " + user + ": " + describe(e));
    } catch (IllegalArgumentException e) {
      err.println("parley chat: " + e.getMessage());
    }
    err.flush();
    return false;
  }

  /**
   * The listener over HTTP: it keeps a check waiting, unless muted, until the person leaves. Over
   * the socket the messages arrive by themselves (muted, the screen holds them) and the session
   * takes the socket back by itself when it breaks, so no listener runs.
   */
  private void listen() {
    boolean lost = false;
    while (!leaving.get()) {
      try {
        if (!screen.awaitUnmuted(MUTED_KEEP_ALIVE)) {
          // Reading the log keeps the session alive and, unlike a check, delivers nothing.
          chat.history(null, null, 1);
          continue;
        }
        // Back from an outage, a check that returns at once says so without waiting for a message.
        chat.check(lost ? Duration.ZERO : null, WakeOn.ANY);
        if (lost) {
          screen.say("[the daemon answers again]");
          lost = false;
        }
      } catch (RuntimeException e) {
        if (leaving.get()) {
          return;
        }
        if (e instanceof ConnectionLostException) {
          // The room retries with backoff; the next check carries on retrying.
          if (!lost) {
            screen.say(
                "[the daemon at " + server + " does not answer; still retrying with backoff]");
          }
          lost = true;
        } else {
          screen.say(describe(e));
          if (!pause(ERROR_PAUSE)) {
            return;
          }
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Handles one line of input; false when it asks to quit. */
  private boolean handle(String line) {
    if (line.isBlank()) {
      return true;
    }
    try {
      if (line.startsWith("//")) {
        send(line.substring(1));
      } else if (!line.startsWith("/")) {
        send(line);
      } else {
        return command(line);
      }
    } catch (ConnectionLostException e) {
      screen.say(
          "[not done: the daemon at "
              + server
              + " did not answer (retried with backoff for "
              + retrySeconds
              + " s); try again]");
    } catch (RuntimeException e) {
      screen.say(describe(e));
    }
    return true;
  }

  /** A slash command; false for /quit. */
  private boolean command(String line) {
    int space = line.indexOf(' ');
    String name =
        (space < 0 ? line.substring(1) : line.substring(1, space)).toLowerCase(Locale.ROOT);
    String arg = space < 0 ? "" : line.substring(space + 1);
    switch (name) {
      case "draft" -> draft(arg);
      case "undo" -> undo();
      case "preview" -> screen.say(ChatText.previewNotice(chat.preview()));
      case "push" -> push(true);
      case "reset" -> {
        chat.reset();
        screen.say("[the draft is dropped]");
      }
      case "who" -> screen.say(ChatText.participantsNotice(chat.participants()));
      case "stick" -> screen.say(ChatText.talkingStickNotice(chat.talkingStick(), chat.username()));
      case "history" -> history(arg.strip());
      case "seen" -> about(arg, id -> ChatText.receiptsNotice(chat.receipts(id)));
      case "timeline" -> about(arg, id -> ChatText.timelineNotice(chat.timeline(id)));
      case "mute" -> {
        if (arg.isBlank()) {
          screen.toggleMute();
          console.prompt(prompt());
        } else {
          mute(arg.strip());
        }
      }
      case "toggle" -> {
        screen.toggleMute();
        console.prompt(prompt());
      }
      case "unmute" -> moderate(arg, who -> chat.unmute(who), " may speak again");
      case "remove" -> moderate(arg, who -> chat.remove(who, null), " is out of the room");
      case "pause" -> said(chat.pause(), "the room is paused", ": only moderators speak");
      case "resume" -> said(chat.resume(), "the room is resumed");
      case "continue" -> said(chat.continueRun(), "the agents may go on");
      case "help" -> screen.say(COMMANDS.replace("%n", System.lineSeparator()));
      case "quit" -> {
        return false;
      }
      default -> screen.say("[unknown command /" + name + ": /help lists the commands]");
    }
    return true;
  }

  /**
   * {@code /seen} and {@code /timeline}: {@code tell}'s words about the message {@code arg} names,
   * else this chat's last sent message.
   */
  private void about(String arg, java.util.function.Function<String, String> tell) {
    String id = arg.isBlank() ? lastSent : arg.strip();
    if (id == null) {
      screen.say("[usage: give a message id (msg-12): you have sent nothing here yet]");
      return;
    }
    screen.say(tell.apply(id));
  }

  /**
   * {@code /mute NAME [SECONDS]}: a moderator's mute, bounded or until unmuted. A name may hold
   * spaces: a last word of digits is the seconds.
   */
  private void mute(String arg) {
    Matcher bounded = BOUNDED_MUTE.matcher(arg.strip());
    if (!bounded.matches()) {
      moderate(arg, who -> chat.mute(who, null), " is muted until /unmute");
      return;
    }
    long seconds = Long.parseLong(bounded.group(2));
    if (seconds < 1 || seconds > MOST_MUTE_SECONDS) {
      screen.say(
          "[usage: /mute NAME [SECONDS], SECONDS from 1 to "
              + MOST_MUTE_SECONDS
              + "; /mute alone hides messages]");
      return;
    }
    Integer forMs = Math.toIntExact(seconds * 1000);
    moderate(bounded.group(1), who -> chat.mute(who, forMs), " is muted for " + seconds + " s");
  }

  /** A moderator's call on the participant {@code arg} names. */
  private void moderate(
      String arg, java.util.function.Function<String, ModerationResult> call, String done) {
    String name = arg.strip();
    if (name.isEmpty()) {
      screen.say("[usage: give the participant's name]");
      return;
    }
    said(call.apply(name), name + done);
  }

  /** Says what a moderator's call did, or that nothing needed doing. */
  private void said(ModerationResult r, String done) {
    said(r, done, "");
  }

  /**
   * Says what a moderator's call did ({@code done}, then {@code more}), or that nothing needed
   * doing ({@code done} already).
   */
  private void said(ModerationResult r, String done, String more) {
    screen.say(
        r.status() == 1 ? "[" + done + more + "]" : "[nothing to change: " + done + " already]");
  }

  /** A typed line: added to the draft as its next line, then the draft is pushed. */
  private void send(String text) {
    rejoinedInCall = false;
    AppendResult r = append(text);
    if (r == null) {
      return;
    }
    String notice = ChatText.appendNotice(r);
    if (notice != null || rejoinedInCall) {
      // Cut, refused, or after a rejoin: the person decides what to do with the draft.
      screen.say(notice);
      if (r.draftLength() > 0) {
        screen.say("[not sent: /preview shows the draft, /push sends it, /reset drops it]");
      }
      return;
    }
    push(false);
  }

  private void draft(String text) {
    if (text.isEmpty()) {
      screen.say("[usage: /draft TEXT]");
      return;
    }
    AppendResult r = append(text);
    if (r == null) {
      return;
    }
    String notice = ChatText.appendNotice(r);
    screen.say(
        notice == null
            ? "[drafted: " + Screen.plural(r.draftLength(), "character") + "; /push sends it]"
            : notice);
  }

  /**
   * Appends {@code text} as the draft's next line (each line typed stays a line); null, after
   * saying why, when the daemon refused it.
   */
  private AppendResult append(String text) {
    try {
      return chat.append(chat.draftLength() > 0 ? "\n" + text : text);
    } catch (FloorHeldException | ContentPolicyException e) {
      screen.say(ChatText.appendRefused(e));
      return null;
    }
  }

  private void undo() {
    UndoResult r = chat.undo();
    String notice = ChatText.undoNotice(r);
    int left = r.draftLength();
    screen.say(
        notice == null
            ? "[undone: "
                + (left == 0 ? "the draft is empty" : Screen.plural(left, "character") + " left")
                + "]"
            : notice);
  }

  /**
   * Pushes the draft; {@code confirm} says "[sent]" (a typed line needs no confirmation). A
   * moderator forces the push. Otherwise chat messages the mute holds interrupt it as the daemon's
   * rule would have, had it known they were not read: the daemon delivered them to the check that
   * was waiting, so it finds nothing new.
   */
  private void push(boolean confirm) {
    if (!moderator && screen.unannounced() > 0) {
      try {
        // What still waits on the server joins the held ones, so the notice counts them all.
        chat.check(Duration.ZERO, WakeOn.ANY);
      } catch (ConnectionLostException e) {
        // The held ones are enough to hold the push back.
      }
      interrupted(screen.announce());
      return;
    }
    PushResult r;
    try {
      r = chat.push(moderator);
    } catch (NoDraftException | FloorHeldException | PushHeldException e) {
      screen.say(ChatText.pushRefused(e));
      return;
    }
    switch (PushOutcome.of(r)) {
      case SENT -> {
        lastSent = r.messageId();
        if (confirm) {
          screen.say("[sent]");
        }
      }
      // The draft is kept, and the person gets the commands to act on it.
      case INTERRUPTED ->
          interrupted(
              screen.muted()
                  ? screen.announce()
                  : (int) r.messages().stream().filter(m -> m.kind() == MessageKind.CHAT).count());
      case NOT_SENT -> screen.say("[not sent]");
    }
  }

  /** Says that the draft stays, since {@code arrived} chat messages came before it went. */
  private void interrupted(int arrived) {
    screen.say(
        "[not sent: "
            + Screen.plural(arrived, "new message")
            + " arrived"
            + (screen.muted() ? " while muted (/mute shows them)" : "")
            + "; /push to send it anyway, /reset to drop it]");
  }

  private void history(String arg) {
    int n;
    try {
      n = arg.isEmpty() ? DEFAULT_HISTORY : Integer.parseInt(arg);
    } catch (NumberFormatException e) {
      n = 0;
    }
    if (n < 1) {
      screen.say("[usage: /history [N], N a number of messages, default " + DEFAULT_HISTORY + "]");
      return;
    }
    List<Message> page = chat.history(null, null, n).messages();
    screen.say(
        page.isEmpty()
            ? "[no messages in " + room + " yet]"
            : "[the last " + Screen.plural(page.size(), "message") + " in " + room + ":]");
    screen.show(page);
  }

  /** Stops the listener, then logs out: once, whether by /quit, the end of input or Ctrl-C. */
  private void leave() {
    if (!leaving.compareAndSet(false, true)) {
      return;
    }
    // The pending check must end before the logout, or the room would take the session back.
    if (listener != null) {
      listener.interrupt();
      try {
        listener.join(LISTENER_STOP);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    chat.close();
    screen.say("[left " + room + "]");
  }

  /** One readable line for a failed call. */
  static String describe(RuntimeException e) {
    if (e instanceof ParleyRpcException p) {
      Object detail = p.detail() != null ? p.detail() : p.data();
      return "[error "
          + p.code()
          + ", "
          + p.rpcMessage()
          + (detail == null ? "" : ": " + detail)
          + "]";
    }
    return "[error: " + e.getMessage() + "]";
  }

  private static boolean pause(Duration d) {
    try {
      Thread.sleep(d);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
