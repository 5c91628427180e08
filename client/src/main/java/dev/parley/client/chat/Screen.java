package dev.parley.client.chat;

import dev.parley.api.Message;
import dev.parley.api.MessageKind;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the person at the terminal reads: messages as {@code Sender: content}, system messages as
 * {@code * content}, notices in brackets. Every line is flushed at once, so a program reading a
 * pipe sees it as it happens. Thread-safe: the listener and the input thread both write.
 *
 * <p>Muted, the messages that calls deliver are held instead of shown, and the listener waits for
 * {@link #awaitUnmuted} (so the rest stay on the server). Unmuting shows what was held, the last
 * {@value #HELD} of them when more came (older ones are in {@code /history}).
 */
final class Screen {
  /** How many messages a mute holds back; more are counted, and readable with /history. */
  static final int HELD = 20;

  private final PrintWriter out;
  private final Deque<Message> held = new ArrayDeque<>();
  private boolean muted;
  private int heldCount;

  Screen(PrintWriter out) {
    this.out = out;
  }

  /** Messages that calls delivered: shown, or held while muted. */
  synchronized void incoming(List<Message> messages) {
    if (!muted) {
      show(messages);
      return;
    }
    for (Message m : messages) {
      heldCount++;
      held.addLast(m);
      if (held.size() > HELD) {
        held.removeFirst();
      }
    }
  }

  /** Messages asked for (context, history): shown even while muted. */
  synchronized void show(List<Message> messages) {
    for (Message m : messages) {
      out.println(format(m));
    }
    out.flush();
  }

  /** A line (or lines) of text; nothing for null or empty. */
  synchronized void say(String text) {
    if (text != null && !text.isEmpty()) {
      out.println(text);
      out.flush();
    }
  }

  /** Mutes, or unmutes and shows what was held; says which. */
  synchronized void toggleMute() {
    muted = !muted;
    notifyAll();
    if (muted) {
      say("[muted: messages wait until you type /mute again]");
      return;
    }
    if (heldCount == 0) {
      say("[unmuted]");
    } else if (heldCount == held.size()) {
      say("[unmuted: " + plural(heldCount, "message") + " held back while muted:]");
    } else {
      say(
          "[unmuted: "
              + plural(heldCount, "message")
              + " held back while muted; the last "
              + held.size()
              + " follow (older ones: /history)]");
    }
    show(List.copyOf(held));
    held.clear();
    heldCount = 0;
  }

  synchronized boolean muted() {
    return muted;
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
   * return counts as a line break), so no content can pass for a line of its own.
   */
  static String format(Message m) {
    String head = m.kind() == MessageKind.SYSTEM ? "* " : m.senderId() + ": ";
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
