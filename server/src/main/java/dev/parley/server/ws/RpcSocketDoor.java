package dev.parley.server.ws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.api.ParleyNotification;
import dev.parley.api.PresenceNotification;
import dev.parley.extension.events.RoomEvent;
import dev.parley.extension.events.RoomEventListener;
import dev.parley.server.room.RoomEngine;
import dev.parley.server.rpc.JsonRpcEndpoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * {@code /rpc/ws}: JSON-RPC 2.0 over WebSocket, a second door to the JSON-RPC endpoint of {@code
 * POST /rpc} (the same parsing, params validation, results and errors), and the server's
 * notifications to subscribed sockets. The origin policy is the daemon's, in front of every door;
 * access control is {@code login}'s, as on {@code /rpc}. The upgrade's {@code Authorization:
 * Bearer} is taken as {@code /rpc} takes it on each call: a session token binds the socket, an
 * access key serves {@code rooms}, anything else is answered 40010 by the calls that need a
 * session. Each socket is pinged every {@link #pingInterval}; one that has sent nothing, not even a
 * pong, for three intervals is cut off (its session lives on, for its TTL). Hears presence changes
 * as a {@link RoomEventListener}.
 *
 * <p>Among several daemons ({@code --database}): a socket's calls are routed as {@code /rpc}'s are
 * (see {@code ClusterRouting}), so a socket here may talk in a room another daemon serves; only its
 * subscription is refused, since notifications need the owner's {@link
 * dev.parley.server.room.Subscriber}, which would have to relay each offered notification (with its
 * moved cursor, so that overflow and {@link RoomEngine#undeliver} still act on the owner's session)
 * to this daemon over a bounded stream.
 */
public final class RpcSocketDoor implements RoomEventListener, AutoCloseable {
  /** The door's path. */
  public static final String PATH = "/rpc/ws";

  /** How long a socket closed for overflow may take to read its close frame. */
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(10);

  private static final String BEARER = "Bearer ";

  private final Set<RpcSocket> sockets = ConcurrentHashMap.newKeySet();

  /** Rooms whose presence changed and is not yet sent. */
  private final Map<String, Boolean> presenceDue = new ConcurrentHashMap<>();

  private final Executor executor = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().name("parley-ws-heartbeat").daemon().unstarted(r));
  private final long queueBytes;
  private final Duration pingInterval;
  private final Counter overflows;
  private volatile RoomEngine engine;
  private volatile JsonRpcEndpoint endpoint;

  /**
   * @param queueBytes bytes of frames that may wait for one socket; past them it is closed
   * @param pingInterval how often each socket is pinged
   * @param meters where the door's gauges go
   */
  public RpcSocketDoor(long queueBytes, Duration pingInterval, MeterRegistry meters) {
    if (queueBytes < 1) {
      throw new IllegalArgumentException("a socket's queue holds at least one byte");
    }
    this.queueBytes = queueBytes;
    this.pingInterval = pingInterval;
    Gauge.builder("parley.rpc.sockets", sockets, Set::size)
        .description("Open sockets of /rpc/ws")
        .register(meters);
    Gauge.builder("parley.rpc.sockets.queue", this, RpcSocketDoor::queuedBytes)
        .description("Bytes of frames waiting to be written to the sockets of /rpc/ws")
        .baseUnit("bytes")
        .register(meters);
    this.overflows =
        Counter.builder("parley.rpc.sockets.overflows")
            .description("Sockets of /rpc/ws closed because they did not read their frames")
            .register(meters);
    long every = pingInterval.toMillis();
    timer.scheduleWithFixedDelay(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * The handler of the door, for the engine and endpoint it serves (made after this listener was
   * given to the engine); other requests go on to {@code next}.
   */
  public Handler handler(
      Server server, RoomEngine engine, JsonRpcEndpoint endpoint, int frameBytes, Handler next) {
    this.engine = engine;
    this.endpoint = endpoint;
    WebSocketUpgradeHandler upgrade =
        WebSocketUpgradeHandler.from(
            server,
            container -> {
              container.setMaxTextMessageSize(frameBytes);
              container.setMaxBinaryMessageSize(1024);
              // The heartbeat decides when a quiet socket is dead; this only backs it up.
              container.setIdleTimeout(pingInterval.multipliedBy(6));
              container.addMapping(
                  PATH,
                  (request, response, callback) ->
                      new RpcSocket(
                          this,
                          bearer(request.getHeaders().get(HttpHeader.AUTHORIZATION)),
                          Request.getRemoteAddr(request)));
            });
    upgrade.setHandler(next);
    return new Handler.Wrapper(upgrade) {
      @Override
      public boolean handle(Request request, Response response, Callback callback)
          throws Exception {
        if (!PATH.equals(Request.getPathInContext(request))) {
          return super.handle(request, response, callback);
        }
        if (isUpgrade(request)) {
          return super.handle(request, response, callback);
        }
        refuse(
            response,
            callback,
            HttpStatus.BAD_REQUEST_400,
            "/rpc/ws is a WebSocket: upgrade to it (GET with Upgrade: websocket), or POST to /rpc");
        return true;
      }
    };
  }

  private static boolean isUpgrade(Request request) {
    String upgrade = request.getHeaders().get(HttpHeader.UPGRADE);
    return upgrade != null && upgrade.equalsIgnoreCase("websocket");
  }

  private void refuse(Response response, Callback callback, int status, String error)
      throws Exception {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    ObjectNode body = mapper().createObjectNode().put("status", status).put("error", error);
    response.write(true, ByteBuffer.wrap(mapper().writeValueAsBytes(body)), callback);
  }

  private static String bearer(String authorization) {
    if (authorization == null
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return null;
    }
    String token = authorization.substring(BEARER.length()).trim();
    return token.isEmpty() ? null : token;
  }

  @Override
  public void on(RoomEvent event) {
    // On the engine's publishing thread: the room's lock is taken on a thread of the door's.
    if (event instanceof RoomEvent.PresenceChanged changed
        && presenceDue.putIfAbsent(changed.room(), Boolean.TRUE) == null) {
      executor.execute(() -> publishPresence(changed.room()));
    }
  }

  /**
   * Sends the room's participants as they are now to its subscribed sockets: read and written once
   * for all of them, and changes close together told once.
   */
  private void publishPresence(String room) {
    presenceDue.remove(room);
    PresenceNotification now = engine.presenceOf(room);
    if (now == null) {
      return;
    }
    String frame = RpcSocket.notification(this, ParleyNotification.PRESENCE, now);
    for (RpcSocket s : sockets) {
      s.presence(room, frame);
    }
  }

  /** Pings every socket; cuts off those silent for three intervals. */
  private void heartbeat() {
    long deadline = System.nanoTime() - 3 * pingInterval.toNanos();
    for (RpcSocket s : sockets) {
      Session session = s.session();
      if (session == null) {
        continue;
      }
      if (!s.heardSince(deadline)) {
        session.disconnect();
      } else {
        session.sendPing(ByteBuffer.allocate(0), org.eclipse.jetty.websocket.api.Callback.NOOP);
      }
    }
  }

  /** Bytes waiting for the sockets, all together. */
  public long queuedBytes() {
    long total = 0;
    for (RpcSocket s : sockets) {
      total += s.queuedBytes();
    }
    return total;
  }

  /** Open sockets. */
  public int size() {
    return sockets.size();
  }

  /** Sockets closed so far because they did not read. */
  public long overflows() {
    return (long) overflows.count();
  }

  void opened(RpcSocket s) {
    sockets.add(s);
  }

  void closed(RpcSocket s) {
    sockets.remove(s);
  }

  void overflowed() {
    overflows.increment();
  }

  /** Disconnects {@code s} after the grace period unless it has closed by then. */
  void cutOffLater(Session s) {
    timer.schedule(
        () -> {
          if (s.isOpen()) {
            s.disconnect();
          }
        },
        CLOSE_GRACE.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  RoomEngine engine() {
    return engine;
  }

  JsonRpcEndpoint endpoint() {
    return endpoint;
  }

  ObjectMapper mapper() {
    return endpoint.mapper();
  }

  Executor executor() {
    return executor;
  }

  long queueBytes() {
    return queueBytes;
  }

  /**
   * Closes every socket with 1001 ("going away"), waiting up to {@code within} for the close frames
   * to be written, then cuts off those still open. The daemon calls it once it no longer accepts
   * connections and before it stops: a client then knows at once that its socket is gone (and
   * subscribes again elsewhere or later), where a connection merely dropped by a stopping server
   * may never be noticed by a client that only listens.
   */
  public void closeSockets(Duration within) {
    List<Session> open = new ArrayList<>();
    for (RpcSocket s : sockets) {
      Session session = s.session();
      if (session != null && session.isOpen()) {
        open.add(session);
      }
    }
    CountDownLatch written = new CountDownLatch(open.size());
    for (Session session : open) {
      session.close(
          StatusCode.SHUTDOWN,
          "the daemon is stopping",
          org.eclipse.jetty.websocket.api.Callback.from(
              written::countDown, x -> written.countDown()));
    }
    try {
      written.await(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      // Stopping goes on, only faster: what is still open is cut off below.
      Thread.currentThread().interrupt();
    }
    for (Session session : open) {
      if (session.isOpen()) {
        session.disconnect();
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
