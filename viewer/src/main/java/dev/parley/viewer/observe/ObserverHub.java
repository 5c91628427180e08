package dev.parley.viewer.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.extension.ExtensionContext;
import dev.parley.spec.Json;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The observers of a daemon (or of a replay): WebSocket sessions, each watching one room or all.
 * Frames are sent without waiting, so that a slow browser never holds up a room. What waits for one
 * observer is bounded in bytes: one that falls further behind (or whose frames the socket refuses,
 * past {@link ViewerRoutes}'s frame count) is disconnected, and its page reconnects to a fresh
 * welcome instead of showing a conversation with holes.
 */
public final class ObserverHub {
  private static final Logger LOG = LoggerFactory.getLogger(ObserverHub.class);
  private static final ObjectMapper JSON = Json.mapper();

  /** Bytes of recent {@code chat_message} frames kept for one room, for late observers. */
  static final long HISTORY_ROOM_BYTES = 256L << 10;

  /** Bytes of recent frames kept for all rooms together. */
  static final long HISTORY_BYTES = 4L << 20;

  /** Most recent frames a newly welcomed observer is sent. */
  static final int HISTORY_FRAMES = 500;

  private final Set<Observer> observers = ConcurrentHashMap.newKeySet();

  /**
   * Held while a frame is kept and sent, and while an observer is welcomed with the conversation so
   * far: a newcomer gets each frame once, in order. Notified when an observer has been welcomed,
   * for {@link #awaitObserver}. Sending does not wait for the socket, so it is held only briefly.
   */
  private final Object arrivals = new Object();

  /** The recent conversation of each room, for observers who arrive later. */
  private final FrameHistory history = new FrameHistory(HISTORY_ROOM_BYTES, HISTORY_BYTES);

  private final long queueBytes;
  private final BiFunction<String, String, ObjectNode> welcome;
  private final String mode;
  private final Consumer<JsonNode> controls;

  /**
   * @param mode {@code live} or {@code replay}, told to each observer in its welcome
   * @param welcome makes the welcome frame for a room filter (null: all rooms) and the mode
   * @param controls receives the control frames observers send (such as a replay speed)
   */
  public ObserverHub(
      String mode, BiFunction<String, String, ObjectNode> welcome, Consumer<JsonNode> controls) {
    this(mode, welcome, controls, ExtensionContext.DEFAULT_OBSERVER_QUEUE_BYTES);
  }

  /**
   * @param mode {@code live} or {@code replay}, told to each observer in its welcome
   * @param welcome makes the welcome frame for a room filter (null: all rooms) and the mode
   * @param controls receives the control frames observers send (such as a replay speed)
   * @param queueBytes bytes of frames that may wait for one observer before it is disconnected
   */
  public ObserverHub(
      String mode,
      BiFunction<String, String, ObjectNode> welcome,
      Consumer<JsonNode> controls,
      long queueBytes) {
    if (queueBytes < 1) {
      throw new IllegalArgumentException("an observer's queue holds at least one byte");
    }
    this.queueBytes = queueBytes;
    this.mode = mode;
    this.welcome = welcome;
    this.controls = controls;
  }

  /**
   * Sends {@code frame} to every observer of its room (or of all rooms), stamped with the send
   * time.
   */
  public void publish(ObjectNode frame) {
    String room = frame.path("room").isTextual() ? frame.get("room").asText() : null;
    frame.put("stream_time", Instant.now().toEpochMilli() / 1000.0);
    String text = write(frame);
    long bytes = utf8Length(text);
    boolean kept = "chat_message".equals(frame.path("type").asText());
    synchronized (arrivals) {
      if (kept) {
        history.add(room, text, bytes);
      }
      for (Observer o : observers) {
        if (o.sees(room)) {
          o.send(text, bytes);
        }
      }
    }
  }

  /**
   * Whether any observer watches {@code room} (null: a frame of no room), so that nobody builds
   * frames for nobody.
   */
  public boolean watching(String room) {
    if (observers.isEmpty()) {
      return false;
    }
    for (Observer o : observers) {
      if (o.sees(room)) {
        return true;
      }
    }
    return false;
  }

  /** Forgets the kept conversation of {@code room} (null: of every room), as when it is deleted. */
  public void forget(String room) {
    if (room == null) {
      history.clear();
    } else {
      history.forget(room);
    }
  }

  /** How many observers are connected. */
  public int size() {
    return observers.size();
  }

  /**
   * Waits until an observer is connected and welcomed, so that what is published next reaches it.
   */
  public void awaitObserver() throws InterruptedException {
    synchronized (arrivals) {
      while (observers.isEmpty()) {
        arrivals.wait();
      }
    }
  }

  /** Bytes waiting to be sent, all observers together (for metrics). */
  public long queuedBytes() {
    long total = 0;
    for (Observer o : observers) {
      total += o.queued.get();
    }
    return total;
  }

  void opened(Session session, String room, Predicate<String> permitted) {
    Observer observer = new Observer(session, room, permitted);
    synchronized (arrivals) {
      observers.add(observer);
      ObjectNode hello = welcome.apply(room, mode);
      if (hello.path("participants").isArray()) {
        Iterator<JsonNode> presence = hello.get("participants").iterator();
        while (presence.hasNext()) {
          JsonNode p = presence.next();
          if (p.path("room").isTextual() && !permitted.test(p.get("room").asText())) {
            presence.remove();
          }
        }
      }
      hello.put("stream_time", Instant.now().toEpochMilli() / 1000.0);
      String text = write(hello);
      observer.send(text, utf8Length(text));
      // The conversation so far, after the welcome, as its frames were sent at the time.
      for (FrameHistory.Entry kept : history.frames(observer::sees, HISTORY_FRAMES)) {
        observer.send(kept.text(), kept.size());
      }
      arrivals.notifyAll();
    }
  }

  void closed(Session session) {
    observers.removeIf(o -> o.session == session);
  }

  void received(Session session, String text) {
    JsonNode frame;
    try {
      frame = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      LOG.debug("An observer sent something that is not JSON: {}", e.getOriginalMessage());
      return;
    }
    if (frame == null) {
      return;
    }
    String type = frame.path("type").asText();
    if ("ping".equals(type)) {
      ObjectNode pong = JSON.createObjectNode();
      pong.put("type", "pong");
      pong.put("timestamp", Instant.now().toString());
      pong.put("stream_time", Instant.now().toEpochMilli() / 1000.0);
      String reply = write(pong);
      observers.stream()
          .filter(o -> o.session == session)
          .findFirst()
          .ifPresent(o -> o.send(reply, utf8Length(reply)));
    } else if ("control".equals(type)) {
      controls.accept(frame);
    }
  }

  private static String write(ObjectNode frame) {
    try {
      return JSON.writeValueAsString(frame);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The UTF-8 length of {@code text}, which is what a text frame holds while it waits. */
  static long utf8Length(String text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      // A surrogate pair is 4 bytes: 2 for each half.
      bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
    }
    return bytes;
  }

  /**
   * One socket: the room it asked for (null: all), the rooms it may watch, and the bytes of its
   * frames not yet written to it.
   */
  private final class Observer {
    final Session session;
    final String room;
    private final Predicate<String> permitted;
    final AtomicLong queued = new AtomicLong();
    private final AtomicBoolean dropped = new AtomicBoolean();

    Observer(Session session, String room, Predicate<String> permitted) {
      this.session = session;
      this.room = room;
      this.permitted = permitted;
    }

    /**
     * Whether a frame of {@code frameRoom} (null: of no room) goes to it; an observer whose holder
     * may no longer watch at all is closed with 1008 and sees nothing more.
     */
    boolean sees(String frameRoom) {
      if (dropped.get()) {
        return false;
      }
      try {
        return frameRoom == null
            || ((room == null || room.equals(frameRoom)) && permitted.test(frameRoom));
      } catch (RuntimeException revoked) {
        // Its queue is not the problem here, so it is told why, with a close frame.
        end(
            "lost its access and was closed (" + revoked.getMessage() + ")",
            () ->
                session.close(
                    StatusCode.POLICY_VIOLATION,
                    "access revoked: the access key was removed or may no longer observe",
                    Callback.NOOP));
        return false;
      }
    }

    void send(String text, long bytes) {
      if (dropped.get()) {
        return;
      }
      if (queued.addAndGet(bytes) > queueBytes) {
        queued.addAndGet(-bytes);
        drop("more than " + queueBytes + " bytes of frames wait for it");
        return;
      }
      session.sendText(
          text,
          new Callback() {
            @Override
            public void succeed() {
              queued.addAndGet(-bytes);
            }

            @Override
            public void fail(Throwable cause) {
              queued.addAndGet(-bytes);
              drop("a frame could not be sent: " + cause.getMessage());
            }
          });
    }

    /** Disconnects a lagging observer at once: a close handshake would wait behind its queue. */
    private void drop(String why) {
      end("fell behind and was disconnected (" + why + ")", session::disconnect);
    }

    /** Takes it out of the hub, once, and ends its socket with {@code how}. */
    private void end(String what, Runnable how) {
      if (dropped.compareAndSet(false, true)) {
        observers.remove(this);
        LOG.info("An observer of {} {}", room == null ? "every room" : room, what);
        how.run();
      }
    }
  }
}
