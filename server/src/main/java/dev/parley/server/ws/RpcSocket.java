package dev.parley.server.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.api.MessagesNotification;
import dev.parley.api.ParleyNotification;
import dev.parley.server.room.RoomEngine;
import dev.parley.server.room.Subscriber;
import dev.parley.server.rpc.SocketBinding;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One socket of {@code /rpc/ws}: each text frame is a JSON-RPC body for the same endpoint as {@code
 * POST /rpc}, made as the session the socket is bound to, its answer sent as one frame. Frames are
 * answered one at a time, in order: the next is read once the last is answered (so a client that
 * floods the socket is held back by TCP, and a pending {@code check} holds the calls after it). A
 * subscribed socket also gets its session's messages as {@code messages} notifications (through the
 * engine's delivery rule, {@link RoomEngine#deliverTo}) and {@code presence} notifications, from a
 * virtual thread of its own, and only while none of its calls is pending, so that what a call's
 * answer carries and what a notification carries come in cursor order.
 */
public final class RpcSocket implements Session.Listener, SocketBinding, Subscriber {
  private static final Logger LOG = LoggerFactory.getLogger(RpcSocket.class);

  /** The close reason of a socket whose queue overflowed (at most 123 bytes). */
  static final String OVERFLOW_REASON =
      "send queue full: the client does not read; undelivered messages wait for the next call";

  private final RpcSocketDoor door;
  private final String address;
  private volatile boolean pending;
  private final Semaphore signal = new Semaphore(0);
  private final AtomicBoolean ended = new AtomicBoolean();
  private final AtomicBoolean overflowed = new AtomicBoolean();

  private volatile String token;
  private volatile String room;
  private volatile boolean subscribed;
  private volatile long heardAt = System.nanoTime();
  private volatile Session session;
  private volatile SendQueue out;
  private Thread deliverer;

  /**
   * @param bearer the upgrade request's {@code Authorization: Bearer} (a session token, or an
   *     access key), or null
   * @param address the client's address
   */
  RpcSocket(RpcSocketDoor door, String bearer, String address) {
    this.door = door;
    this.address = address;
    if (bearer != null) {
      bind(bearer);
    }
  }

  @Override
  public void onWebSocketOpen(Session opened) {
    session = opened;
    out = new SendQueue(opened, door.queueBytes(), door.executor());
    deliverer = Thread.ofVirtual().name("parley-ws-delivery").start(this::deliver);
    door.opened(this);
    opened.demand();
  }

  @Override
  public void onWebSocketText(String text) {
    heardAt = System.nanoTime();
    pending = true;
    door.executor()
        .execute(
            () -> {
              try {
                answer(text);
              } catch (RuntimeException e) {
                LOG.error("Answering a frame of /rpc/ws failed; the socket is closed", e);
                session.close(StatusCode.SERVER_ERROR, "the daemon failed", Callback.NOOP);
              } finally {
                pending = false;
                heardAt = System.nanoTime();
                signal();
                session.demand();
              }
            });
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    callback.succeed();
    session.close(StatusCode.BAD_DATA, "send JSON-RPC 2.0 messages as text frames", Callback.NOOP);
  }

  @Override
  public void onWebSocketPing(ByteBuffer payload) {
    heardAt = System.nanoTime();
    session.sendPong(payload, Callback.NOOP);
    session.demand();
  }

  @Override
  public void onWebSocketPong(ByteBuffer payload) {
    heardAt = System.nanoTime();
    session.demand();
  }

  @Override
  public void onWebSocketClose(int status, String reason) {
    end();
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    LOG.debug("A socket of /rpc/ws failed: {}", cause.toString());
    end();
  }

  private void answer(String text) {
    JsonNode reply = door.endpoint().handle(text.getBytes(StandardCharsets.UTF_8), this, address);
    if (reply == null) {
      return;
    }
    String frame;
    try {
      frame = door.mapper().writeValueAsString(reply);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an answer that cannot be written", e);
    }
    if (!out.offer(frame, null, null)) {
      overflow();
    }
  }

  @Override
  public String bearer() {
    return token;
  }

  @Override
  public void bind(String bound) {
    String old = token;
    if (old != null && !old.equals(bound)) {
      door.engine().unsubscribe(old, this);
    }
    RoomEngine.Caller caller = door.engine().caller(bound);
    room = caller == null ? null : caller.room();
    token = bound;
    subscribed = false;
  }

  @Override
  public void unbind(String bound) {
    if (bound != null && bound.equals(token)) {
      door.engine().unsubscribe(bound, this);
      token = null;
      room = null;
      subscribed = false;
    }
  }

  @Override
  public void subscribed(boolean on) {
    subscribed = on;
  }

  @Override
  public Subscriber subscriber() {
    return this;
  }

  @Override
  public void wake() {
    signal();
  }

  @Override
  public boolean offer(Delivery delivery, CompletableFuture<Void> stored) {
    return out.offer(
        notification(
            door, ParleyNotification.MESSAGES, new MessagesNotification(delivery.messages())),
        stored,
        delivery);
  }

  /**
   * Queues a {@code presence} frame of {@code changed} (written once for all its sockets) if this
   * socket's session is subscribed in that room; a socket that cannot take it is closed.
   */
  void presence(String changed, String frame) {
    if (subscribed && changed.equals(room) && !ended.get() && !out.offer(frame, null, null)) {
      overflow();
    }
  }

  /**
   * Whether the client was heard from (a frame, a pong, the end of a call) since {@code since}
   * ({@link System#nanoTime()}), or a call of it is pending.
   */
  boolean heardSince(long since) {
    return pending || heardAt - since >= 0;
  }

  /** Bytes waiting to be written to the socket. */
  long queuedBytes() {
    SendQueue queue = out;
    return queue == null ? 0 : queue.bytes();
  }

  Session session() {
    return session;
  }

  private void signal() {
    if (signal.availablePermits() == 0) {
      signal.release();
    }
  }

  /** The deliverer: on each signal, hands the socket what is pending, while no call is. */
  private void deliver() {
    try {
      while (!ended.get()) {
        signal.acquire();
        signal.drainPermits();
        String bound = token;
        if (bound == null || pending) {
          continue;
        }
        RoomEngine.Delivered delivered;
        do {
          delivered = door.engine().deliverTo(bound, this);
        } while (delivered == RoomEngine.Delivered.SOME && !ended.get());
        if (delivered == RoomEngine.Delivered.REFUSED) {
          overflow();
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("Delivering to a socket of /rpc/ws failed; it is closed", e);
      session.close(StatusCode.SERVER_ERROR, "the daemon failed to deliver", Callback.NOOP);
    }
  }

  /** A notification frame of {@code which} with {@code params}, as the door's mapper writes it. */
  static String notification(RpcSocketDoor door, ParleyNotification which, Object params) {
    ObjectNode frame = door.mapper().createObjectNode();
    frame.put("jsonrpc", "2.0");
    frame.put("method", which.wireName());
    frame.set("params", door.mapper().valueToTree(params));
    try {
      return door.mapper().writeValueAsString(frame);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a notification that cannot be written", e);
    }
  }

  /**
   * The client does not read: the socket is closed with a reason, after the frame being written;
   * what was queued behind it goes back to the session ({@link RoomEngine#undeliver}). One that
   * does not read the close either is cut off after a grace period.
   */
  void overflow() {
    if (ended.get() || !overflowed.compareAndSet(false, true)) {
      return;
    }
    door.overflowed();
    LOG.info(
        "A socket of /rpc/ws from {} did not read its frames (more than {} bytes waited) and is"
            + " closed",
        address,
        door.queueBytes());
    giveBack(out.close(false));
    Session s = session;
    s.close(StatusCode.POLICY_VIOLATION, OVERFLOW_REASON, Callback.NOOP);
    door.cutOffLater(s);
  }

  /** Whatever was not written goes back to the session, newest first as the cursor ran. */
  private void giveBack(List<Delivery> unwritten) {
    String bound = token;
    if (bound == null || unwritten.isEmpty()) {
      return;
    }
    Delivery all =
        new Delivery(
            List.of(), unwritten.getFirst().cursorBefore(), unwritten.getLast().cursorAfter());
    if (!door.engine().undeliver(bound, all)) {
      LOG.warn(
          "Messages queued for a closed socket stay delivered: its session was delivered newer"
              + " ones meanwhile (its history has them)");
    }
  }

  /** The socket is gone: its subscription ends, its session lives on. */
  private void end() {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    door.closed(this);
    if (deliverer != null) {
      deliverer.interrupt();
    }
    List<Delivery> unwritten = out == null ? List.of() : out.close(true);
    // Off Jetty's thread: giving back waits for the store.
    door.executor()
        .execute(
            () -> {
              String bound = token;
              if (bound != null) {
                door.engine().unsubscribe(bound, this);
              }
              giveBack(unwritten);
            });
  }
}
