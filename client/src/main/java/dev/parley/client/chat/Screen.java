package dev.parley.client.chat;

import dev.parley.api.Message;
import dev.parley.api.MessageKind;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What the person at the terminal reads: messages as {@code Sender: content}, system messages as
 * {@code * content}, notices in brackets. Every line goes out at once, so a program reading a pipe
 * sees it as it happens. Thread-safe: the listener and the input thread both write.
 *
 * <p>Muted, the messages that calls deliver are held instead of shown, and the listener waits for
 * {@link #awaitUnmuted} (so the rest stay on the server). Unmuting shows what was held, the last
 * {@value #HELD} of them when more came (older ones are in {@code /history}).
 *
 * <p>A held chat message has been delivered by the daemon but not read by the person, so the
 * daemon's interruption rule cannot see it: the screen counts those not yet announced ({@link
 * #unannounced}), and the chat applies the rule to them itself before it pushes.
 */
final class Screen {
  /** How many messages a mute holds back; more are counted, and readable with /history. */
  static final int HELD = 20;

  private final Consumer<String> out;
  private final boolean moderator;
  private String me;
  private final Deque<Message> held = new ArrayDeque<>();
  private boolean muted;
  private int heldCount;
  private int unannounced;

  /**
   * @param out writes a line, or lines, of text
   * @param me the person's name, whose own messages are marked; null marks none
   * @param moderator whether the notices speak of hiding and showing (a moderator's {@code
   *     /toggle}) instead of muting
   */
  Screen(Consumer<String> out, String me, boolean moderator) {
    this.out = out;
    this.me = me;
    this.moderator = moderator;
  }

  /** Marks the messages of {@code name} from now on. */
  synchronized void markOwn(String name) {
    me = name;
  }

  /** Messages that calls delivered: shown, or held while muted. */
  synchronized void incoming(List<Message> messages) {
    if (!muted) {
      show(messages);
      return;
    }
    for (Message m : messages) {
      heldCount++;
      if (m.kind() == MessageKind.CHAT) {
        unannounced++;
      }
      held.addLast(m);
      if (held.size() > HELD) {
        held.removeFirst();
      }
    }
  }

  /** Messages asked for (context, history, one just sent): shown even while muted. */
  synchronized void show(List<Message> messages) {
    for (Message m : messages) {
      out.accept(format(m, me));
    }
  }

  /** A line (or lines) of text; nothing for null or empty. */
  synchronized void say(String text) {
    if (text != null && !text.isEmpty()) {
      out.accept(text);
    }
  }

  /** Mutes, or unmutes and shows what was held; says which. */
  synchronized void toggleMute() {
    muted = !muted;
    notifyAll();
    if (muted) {
      say(
          moderator
              ? "[hidden: messages wait until you type /toggle again]"
              : "[muted: messages wait until you type /mute again]");
      return;
    }
    String shown = moderator ? "shown" : "unmuted";
    String meanwhile = moderator ? " held back while hidden" : " held back while muted";
    if (heldCount == 0) {
      say("[" + shown + "]");
    } else if (heldCount == held.size()) {
      say("[" + shown + ": " + plural(heldCount, "message") + meanwhile + ":]");
    } else {
      say(
          "["
              + shown
              + ": "
              + plural(heldCount, "message")
              + meanwhile
              + "; the last "
              + held.size()
              + " follow (older ones: /history)]");
    }
    show(List.copyOf(held));
    held.clear();
    heldCount = 0;
    unannounced = 0;
  }

  synchronized boolean muted() {
    return muted;
  }

  /** The chat messages held since the person was last told of held ones. */
  synchronized int unannounced() {
    return unannounced;
  }

  /**
   * The person is told of the held chat messages (a push they interrupted says how many).
   *
   * @return how many there were
   */
  synchronized int announce() {
    int n = unannounced;
    unannounced = 0;
    return n;
  }

  /**
   * Waits while muted, at most {@code max}.
   *
   * @return true when not muted (any more), false when still muted after {@code max}
   */
  synchronized boolean awaitUnmuted(Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    long left;
    while (muted && (left = deadline - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return !muted;
  }

  /**
   * One message as it reads on the screen. Lines after the first are indented under it (a carriage
   * return counts as a line break), so no content can pass for a line of its own. The messages of
   * {@code me} (null: nobody) read {@code name (you): ...}.
   */
  static String format(Message m, String me) {
    String head =
        m.kind() == MessageKind.SYSTEM
            ? "* "
            : m.senderId() + (m.senderId().equals(me) ? " (you)" : "") + ": ";
    return head
        + m.content()
            .replace("\r\n", "\n")
            .replace('\r', '\n')
            .replace("\n", "\n" + " ".repeat(head.length()));
  }

  static String plural(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
