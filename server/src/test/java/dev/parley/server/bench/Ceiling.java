package dev.parley.server.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.annotations.OnWebSocketClose;
import org.eclipse.jetty.websocket.api.annotations.OnWebSocketError;
import org.eclipse.jetty.websocket.api.annotations.OnWebSocketOpen;
import org.eclipse.jetty.websocket.api.annotations.WebSocket;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The reference of the rpc, fan-out, wake and latency benchmarks: a bare Jetty 12 core handler on
 * virtual threads, set up as {@code ParleyServer} sets up its connector and thread pool, that does
 * the least a JSON-RPC daemon must do and nothing else.
 *
 * <ul>
 *   <li>{@code POST /rpc}: reads the JSON body, parses it and answers a fixed result with its id;
 *   <li>{@code POST /park?room=R}: blocks its virtual thread until {@code /wake} for that room (a
 *       parked request, as a pending {@code check} is);
 *   <li>{@code POST /wake?room=R}: completes the room's parked requests with the body as their
 *       text, then sends one frame holding it to each observer of the room;
 *   <li>{@code GET /parked?room=R}: how many requests wait in the room;
 *   <li>{@code /observe?room=R}: a WebSocket that receives the wake frames.
 * </ul>
 *
 * <p>{@link #main} runs it alone, for the benchmarks that read a child JVM's heap.
 */
public final class Ceiling implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long PARK_LIMIT_MS = 120_000;

  private final Server jetty;
  private final ServerConnector connector;
  private final Map<String, Room> rooms = new ConcurrentHashMap<>();

  /**
   * @param headerCacheSize the HTTP parser's header cache, or a negative number for Jetty's default
   */
  Ceiling(int headerCacheSize) {
    QueuedThreadPool pool = new QueuedThreadPool();
    pool.setName("ceiling-http");
    pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
    jetty = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    if (headerCacheSize >= 0) {
      http.setHeaderCacheSize(headerCacheSize);
    }
    connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    connector.setAcceptQueueSize(4096);
    connector.setIdleTimeout(90_000);
    jetty.addConnector(connector);
    WebSocketUpgradeHandler upgrade =
        WebSocketUpgradeHandler.from(
            jetty,
            container -> {
              container.setIdleTimeout(Duration.ofMinutes(5));
              container.addMapping(
                  "/observe",
                  (request, response, callback) ->
                      new Observer(room(Request.extractQueryParameters(request).getValue("room"))));
            });
    upgrade.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback)
              throws Exception {
            return Ceiling.this.handle(request, response, callback);
          }
        });
    jetty.setHandler(upgrade);
  }

  Ceiling start() throws Exception {
    jetty.start();
    return this;
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  @Override
  public void close() throws Exception {
    rooms.values().forEach(r -> r.wake("closing"));
    jetty.stop();
  }

  /**
   * Runs a ceiling until killed and prints its address.
   *
   * @param args {@code [--header-cache N]}
   */
  public static void main(String[] args) throws Exception {
    int cache =
        args.length == 2 && args[0].equals("--header-cache") ? Integer.parseInt(args[1]) : -1;
    Ceiling ceiling = new Ceiling(cache).start();
    System.out.println("Ceiling listening on " + ceiling.uri());
    ceiling.jetty.join();
  }

  private boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    Fields query = Request.extractQueryParameters(request);
    switch (path) {
      case "/rpc" -> {
        JsonNode call = JSON.readTree(Content.Source.asString(request, StandardCharsets.UTF_8));
        send(
            response,
            callback,
            "{\"jsonrpc\":\"2.0\",\"id\":"
                + call.path("id")
                + ",\"result\":{\"status\":1,\"messages\":[]}}");
      }
      case "/park" -> {
        Content.Source.consumeAll(request);
        String text = room(query.getValue("room")).park();
        send(
            response,
            callback,
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"status\":1,\"text\":"
                + JSON.writeValueAsString(text)
                + "}}");
      }
      case "/wake" -> {
        room(query.getValue("room")).wake(Content.Source.asString(request, StandardCharsets.UTF_8));
        send(response, callback, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"status\":1}}");
      }
      case "/parked" ->
          send(
              response, callback, "{\"parked\":" + room(query.getValue("room")).parked.get() + "}");
      default -> {
        response.setStatus(HttpStatus.NOT_FOUND_404);
        callback.succeeded();
      }
    }
    return true;
  }

  private static void send(Response response, Callback callback, String body) {
    response.setStatus(HttpStatus.OK_200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
  }

  private Room room(String name) {
    return rooms.computeIfAbsent(name == null ? "" : name, n -> new Room());
  }

  /** The parked requests and the observers of one room. */
  private static final class Room {
    private final AtomicInteger parked = new AtomicInteger();
    private final Set<Session> observers = ConcurrentHashMap.newKeySet();
    private CompletableFuture<String> next = new CompletableFuture<>();

    String park() throws Exception {
      CompletableFuture<String> wake;
      synchronized (this) {
        wake = next;
      }
      parked.incrementAndGet();
      try {
        return wake.get(PARK_LIMIT_MS, TimeUnit.MILLISECONDS);
      } finally {
        parked.decrementAndGet();
      }
    }

    void wake(String text) {
      CompletableFuture<String> woken;
      synchronized (this) {
        woken = next;
        next = new CompletableFuture<>();
      }
      woken.complete(text);
      String frame;
      try {
        frame = "{\"type\":\"chat_message\",\"text\":" + JSON.writeValueAsString(text) + "}";
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
      for (Session s : observers) {
        s.sendText(frame, org.eclipse.jetty.websocket.api.Callback.NOOP);
      }
    }
  }

  /** One observer socket: registered with its room while open. */
  @WebSocket
  public static final class Observer {
    private final Room room;

    Observer(Room room) {
      this.room = room;
    }

    /** Joins the room's observers. */
    @OnWebSocketOpen
    public void open(Session session) {
      room.observers.add(session);
    }

    /** Leaves them. */
    @OnWebSocketClose
    public void close(Session session, int status, String reason) {
      room.observers.remove(session);
    }

    /** Leaves them on a broken socket too. */
    @OnWebSocketError
    public void error(Session session, Throwable cause) {
      room.observers.remove(session);
    }
  }
}
