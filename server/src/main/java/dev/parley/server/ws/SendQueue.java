package dev.parley.server.ws;

import dev.parley.server.room.Subscriber;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One socket's outgoing frames, bounded in bytes, written one at a time in the order they were
 * offered, each once it is ready (a notification once its moved cursor is stored). Offering never
 * does I/O, so it may run under a room's lock; the writing runs on virtual threads and Jetty's
 * callbacks. A frame counts against the bound until the socket has written it, so a client that
 * does not read fills the queue and is refused rather than the daemon's memory.
 */
final class SendQueue {
  private record Frame(
      String text, long bytes, CompletableFuture<Void> ready, Subscriber.Delivery delivery) {}

  private final Session session;
  private final long limit;
  private final Executor executor;

  private final ArrayDeque<Frame> frames = new ArrayDeque<>();

  /** The frame handed to Jetty and not yet written, or null. */
  private Frame writing;

  private long bytes;
  private boolean sending;
  private boolean closed;

  SendQueue(Session session, long limit, Executor executor) {
    this.session = session;
    this.limit = limit;
    this.executor = executor;
  }

  /**
   * Queues {@code text}, if it fits: within the bound, or alone in an empty queue (so that one
   * large answer still goes out).
   *
   * @param ready when the frame may be written (null: now); one that completes exceptionally is
   *     dropped
   * @param delivery the messages it notifies, or null for an answer
   * @return false when it does not fit or the queue is closed
   */
  synchronized boolean offer(
      String text, CompletableFuture<Void> ready, Subscriber.Delivery delivery) {
    if (closed) {
      return false;
    }
    long size = Utf8.length(text);
    if (bytes + size > limit && bytes > 0) {
      return false;
    }
    frames.add(new Frame(text, size, ready, delivery));
    bytes += size;
    if (!sending) {
      sending = true;
      executor.execute(this::next);
    }
    return true;
  }

  /** Bytes queued and not yet written. */
  synchronized long bytes() {
    return bytes;
  }

  /**
   * Closes the queue: nothing more is offered or written, but for the frame being written now
   * unless the socket is gone.
   *
   * @param gone whether the socket is closed, so that the frame being written never will be
   * @return the deliveries of the notifications not written, oldest first
   */
  synchronized List<Subscriber.Delivery> close(boolean gone) {
    closed = true;
    List<Subscriber.Delivery> out = new ArrayList<>();
    if (gone && writing != null) {
      bytes -= writing.bytes;
      if (writing.delivery != null) {
        out.add(writing.delivery);
      }
      writing = null;
    }
    for (Frame f : frames) {
      bytes -= f.bytes;
      if (f.delivery != null) {
        out.add(f.delivery);
      }
    }
    frames.clear();
    return out;
  }

  /** Writes the next frame once it is ready; one at a time. */
  private void next() {
    Frame f;
    synchronized (this) {
      f = frames.peek();
      if (f == null || closed) {
        sending = false;
        return;
      }
      if (f.ready != null && !f.ready.isDone()) {
        f.ready.whenComplete((done, failed) -> executor.execute(this::next));
        return;
      }
      frames.poll();
      if (f.ready != null && f.ready.isCompletedExceptionally()) {
        // The cursor it moved was not stored: the room is taken back from the store.
        bytes -= f.bytes;
        executor.execute(this::next);
        return;
      }
      writing = f;
    }
    session.sendText(
        f.text,
        new Callback() {
          @Override
          public void succeed() {
            written(f);
            executor.execute(SendQueue.this::next);
          }

          @Override
          public void fail(Throwable cause) {
            // The socket is closing: its end takes back what was not written.
          }
        });
  }

  private synchronized void written(Frame f) {
    if (writing == f) {
      writing = null;
      bytes -= f.bytes;
    }
  }
}
