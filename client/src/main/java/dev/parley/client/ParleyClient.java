package dev.parley.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.googlecode.jsonrpc4j.IJsonRpcClient;
import com.googlecode.jsonrpc4j.JsonRpcClient;
import com.googlecode.jsonrpc4j.ProxyUtil;
import dev.parley.api.LoginResult;
import dev.parley.api.LogoutResult;
import dev.parley.api.MessagesNotification;
import dev.parley.api.ParleyApi;
import dev.parley.api.ParleyNotification;
import dev.parley.api.ParleyRpcException;
import dev.parley.api.PresenceNotification;
import dev.parley.spec.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Type;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The JSON-RPC client generated from the spec: {@link #api()} is the generated {@link ParleyApi}
 * interface, proxied by jsonrpc4j, so every method has typed params and results and no method is
 * written by hand. The calls travel over the JDK's HTTP client, which never sends a call again by
 * itself: a call whose answer was lost fails with {@link ConnectionLostException}, so that the
 * caller knows to recover what the answer carried ({@code HttpURLConnection} would quietly send the
 * POST again on a fresh connection). Each error code arrives as its generated exception (a {@link
 * ParleyRpcException} subclass such as {@code NoDraftException}); a transport failure as {@link
 * ConnectionLostException}. The session is handled for the caller: {@code login} keeps the returned
 * token and every later call sends it as {@code Authorization: Bearer}.
 *
 * <p>{@link #connectSocket} makes the same client over the daemon's WebSocket door, with a listener
 * for the notifications a subscribed session is sent.
 *
 * <p>Thread-safe: calls may run concurrently (a {@code check} waiting while another call is made;
 * on a socket, the daemon answers them in turn).
 */
public final class ParleyClient {
  /** How long a call may take: above the server's longest {@code check} (60 s by default). */
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(90);

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /**
   * How often a socket is pinged by default: a socket that brings nothing (not even a pong) for
   * three of these is taken for dead, since a broken network may never say so itself.
   */
  public static final Duration SOCKET_HEARTBEAT = Duration.ofSeconds(20);

  /** Pings the sockets of every client; daemon threads, so that it never keeps a JVM alive. */
  private static final ScheduledExecutorService HEARTBEAT =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().name("parley-client-heartbeat").daemon().unstarted(r));

  private final URI server;
  private final ParleyApi api;
  private volatile String session;
  private volatile String key;

  /** Hears the server's notifications on a subscribed socket. */
  public interface Notifications {
    /** Messages arrived for the session ({@code messages}), oldest first. */
    default void messages(MessagesNotification notification) {}

    /** Someone's presence changed in the session's room ({@code presence}). */
    default void presence(PresenceNotification notification) {}
  }

  /** The socket of a client over {@code /rpc/ws}, or null for HTTP. */
  private final SocketExchange socket;

  private ParleyClient(URI server, Notifications notifications, Duration heartbeat) {
    this.server = server;
    ObjectMapper mapper = Json.mapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    URI endpoint;
    try {
      endpoint = server.resolve("/rpc");
      endpoint.toURL();
    } catch (java.net.MalformedURLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("Not a server address: " + server, e);
    }
    JsonRpcClient rpc = new JsonRpcClient(mapper);
    rpc.setExceptionResolver(
        response -> {
          JsonNode error = response.path("error");
          JsonNode data = error.get("data");
          return ParleyRpcException.forCode(
              error.path("code").asInt(),
              error.path("message").asText(),
              data == null ? null : mapper.convertValue(data, Object.class));
        });
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();
    this.socket =
        notifications == null ? null : new SocketExchange(http, mapper, notifications, heartbeat);
    Exchange exchange =
        socket != null
            ? socket
            : (request, token) -> {
              HttpRequest.Builder post =
                  HttpRequest.newBuilder(endpoint)
                      .timeout(READ_TIMEOUT)
                      .header("Content-Type", "application/json");
              if (token != null) {
                post.header("Authorization", "Bearer " + token);
              }
              return http.send(
                      post.POST(HttpRequest.BodyPublishers.ofByteArray(request)).build(),
                      HttpResponse.BodyHandlers.ofByteArray())
                  .body();
            };
    this.api =
        ProxyUtil.createClientProxy(
            ParleyApi.class.getClassLoader(), ParleyApi.class, new SessionCalls(rpc, exchange));
  }

  /**
   * A client of the daemon at {@code server}, such as {@code http://127.0.0.1:8890}. Connects only
   * when a method is called.
   */
  public static ParleyClient connect(URI server) {
    return new ParleyClient(server, null, null);
  }

  /**
   * A client of the daemon at {@code server} over its WebSocket door, {@code /rpc/ws}: the same
   * generated interface, each call a text frame on one socket (opened at the first call, and again
   * at the call after it closed, bound to the session by its upgrade's {@code Authorization}). A
   * session that subscribes ({@code login} with {@code subscribe}, or {@code subscribe}) has its
   * messages and presence changes handed to {@code notifications} as they arrive, on the socket's
   * thread, in the order the daemon sent them.
   */
  public static ParleyClient connectSocket(URI server, Notifications notifications) {
    return connectSocket(server, notifications, SOCKET_HEARTBEAT);
  }

  /**
   * As {@link #connectSocket(URI, Notifications)}, pinging the socket every {@code heartbeat}: one
   * that brings nothing for three of them (the network broke without a word) is closed, which
   * {@link #awaitSocketClosed} tells.
   */
  public static ParleyClient connectSocket(
      URI server, Notifications notifications, Duration heartbeat) {
    if (heartbeat.isNegative() || heartbeat.isZero()) {
      throw new IllegalArgumentException("a heartbeat is positive, not " + heartbeat);
    }
    return new ParleyClient(server, notifications, heartbeat);
  }

  /**
   * Which socket the calling thread's last call went on: sockets are numbered from 1 in the order
   * they were opened (0: no call of this thread went on a socket, or this client is over HTTP). A
   * subscriber reads it after its {@code subscribe}, to wait for the end of that very socket.
   */
  public long socketOfLastCall() {
    return socket == null ? 0 : socket.lastSocket.get();
  }

  /**
   * Waits until socket number {@code which} ({@link #socketOfLastCall}) has closed: at once when it
   * already has, or when another was opened since (a call of another thread opened it, without a
   * subscription). A subscriber then subscribes anew, which opens a socket if none is open. HTTP
   * clients have no socket: it returns at once.
   */
  public void awaitSocketClosed(long which) throws InterruptedException {
    if (socket != null) {
      socket.awaitClosed(which);
    }
  }

  /** Closes the socket, if one is open. */
  public void closeSocket() {
    if (socket != null) {
      socket.close();
    }
  }

  /** The generated interface: one method per protocol method. */
  public ParleyApi api() {
    return api;
  }

  /** The daemon's address. */
  public URI server() {
    return server;
  }

  /** The session token in use, or null before login. */
  public String session() {
    return session;
  }

  /** Uses {@code token} for the calls that follow (null: none). */
  public void session(String token) {
    this.session = token;
  }

  /**
   * Uses {@code accessKey} as the bearer of calls made without a session, such as {@code rooms}
   * before {@code login} on a daemon with access control (null: none).
   */
  public void key(String accessKey) {
    this.key = accessKey;
  }

  /** One request's bytes to its answer's, on a transport. */
  @FunctionalInterface
  private interface Exchange {
    byte[] send(byte[] request, String token) throws IOException, InterruptedException;
  }

  /**
   * The calls over one socket of {@code /rpc/ws}: answers found by their id, notifications handed
   * to the listener as typed records of the generated notification table.
   */
  private final class SocketExchange implements Exchange, WebSocket.Listener {
    private final HttpClient http;
    private final ObjectMapper mapper;
    private final Notifications notifications;
    private final Map<String, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();
    private final StringBuilder text = new StringBuilder();
    private WebSocket open;
    private CompletableFuture<Void> closed = CompletableFuture.completedFuture(null);

    /** How many sockets were opened: the number of {@link #open}. */
    private long opened;

    /** The number of the socket each thread's last call went on. */
    private final ThreadLocal<Long> lastSocket = ThreadLocal.withInitial(() -> 0L);

    private final Duration heartbeat;

    /** {@link System#nanoTime()} when the open socket last brought a frame (a pong included). */
    private volatile long heardAt;

    /** The open socket's pings, or null. */
    private ScheduledFuture<?> beat;

    SocketExchange(
        HttpClient http, ObjectMapper mapper, Notifications notifications, Duration heartbeat) {
      this.http = http;
      this.mapper = mapper;
      this.notifications = notifications;
      this.heartbeat = heartbeat;
    }

    @Override
    public byte[] send(byte[] request, String token) throws IOException, InterruptedException {
      String id = mapper.readTree(request).path("id").toString();
      CompletableFuture<byte[]> answer = new CompletableFuture<>();
      pending.put(id, answer);
      try {
        synchronized (this) {
          WebSocket ws = socket(token);
          lastSocket.set(opened);
          // One send at a time on a JDK WebSocket.
          ws.sendText(new String(request, StandardCharsets.UTF_8), true).get();
        }
        return answer.get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        throw new IOException("the socket failed: " + e.getCause().getMessage(), e.getCause());
      } catch (TimeoutException e) {
        throw new IOException("no answer on the socket within " + READ_TIMEOUT, e);
      } finally {
        pending.remove(id);
      }
    }

    private WebSocket socket(String token) throws IOException, InterruptedException {
      if (open != null && !open.isOutputClosed() && !open.isInputClosed()) {
        return open;
      }
      WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT);
      if (token != null) {
        builder.header("Authorization", "Bearer " + token);
      }
      closed = new CompletableFuture<>();
      try {
        open = builder.buildAsync(socketAddress(server), this).get();
        opened++;
        heardAt = System.nanoTime();
        if (beat != null) {
          beat.cancel(false);
        }
        WebSocket beating = open;
        long every = heartbeat.toMillis();
        beat =
            HEARTBEAT.scheduleWithFixedDelay(
                () -> beat(beating), every, every, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        closed.complete(null);
        throw new IOException("cannot open " + socketAddress(server), e.getCause());
      }
      return open;
    }

    void awaitClosed(long which) throws InterruptedException {
      CompletableFuture<Void> now;
      synchronized (this) {
        if (which != opened || open == null || open.isInputClosed() || open.isOutputClosed()) {
          return;
        }
        now = closed;
      }
      try {
        now.get();
      } catch (ExecutionException e) {
        // Closed either way.
      }
    }

    synchronized void close() {
      if (beat != null) {
        beat.cancel(false);
      }
      if (open != null) {
        open.abort();
      }
    }

    /**
     * Pings {@code ws}, or, when it brought nothing for three heartbeats, takes it for dead:
     * aborted and ended, so that its calls fail and a subscriber subscribes again on a new one.
     */
    private void beat(WebSocket ws) {
      if (ws.isInputClosed() || ws.isOutputClosed()) {
        return;
      }
      if (System.nanoTime() - heardAt > 3 * heartbeat.toNanos()) {
        ws.abort();
        ended(
            ws,
            new IOException(
                "the socket brought nothing for "
                    + heartbeat.multipliedBy(3)
                    + ": taken for dead"));
        return;
      }
      try {
        ws.sendPing(ByteBuffer.allocate(0));
      } catch (IllegalStateException e) {
        // A ping still on its way: the next beat pings again.
      }
    }

    @Override
    public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
      heardAt = System.nanoTime();
      return WebSocket.Listener.super.onPing(ws, message);
    }

    @Override
    public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
      heardAt = System.nanoTime();
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      heardAt = System.nanoTime();
      text.append(data);
      if (last) {
        String frame = text.toString();
        text.setLength(0);
        received(frame);
      }
      ws.request(1);
      return null;
    }

    private void received(String frame) {
      JsonNode node;
      try {
        node = mapper.readTree(frame);
      } catch (IOException e) {
        return;
      }
      if (node.has("method") && !node.has("id")) {
        notified(node);
        return;
      }
      CompletableFuture<byte[]> answer = pending.get(node.path("id").toString());
      if (answer != null) {
        answer.complete(frame.getBytes(StandardCharsets.UTF_8));
      }
    }

    private void notified(JsonNode node) {
      ParleyNotification.byWireName(node.path("method").asText())
          .ifPresent(
              which -> {
                Object params = mapper.convertValue(node.path("params"), which.paramsType());
                switch (which) {
                  case MESSAGES -> notifications.messages((MessagesNotification) params);
                  case PRESENCE -> notifications.presence((PresenceNotification) params);
                }
              });
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
      ended(ws, new IOException("the daemon closed the socket: " + status + " " + reason));
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      ended(ws, error instanceof IOException io ? io : new IOException(error));
    }

    private void ended(WebSocket ws, IOException why) {
      pending.values().forEach(f -> f.completeExceptionally(why));
      CompletableFuture<Void> done;
      synchronized (this) {
        if (ws != open) {
          return;
        }
        if (beat != null) {
          beat.cancel(false);
        }
        done = closed;
      }
      done.complete(null);
    }
  }

  /** The WebSocket door of the daemon at {@code server}: ws (or wss) at {@code /rpc/ws}. */
  static URI socketAddress(URI server) {
    String scheme = "https".equalsIgnoreCase(server.getScheme()) ? "wss" : "ws";
    return URI.create(scheme + "://" + server.getRawAuthority() + "/rpc/ws");
  }

  /** Sends every call with the session, keeps the token of a login, forgets it on logout. */
  private final class SessionCalls implements IJsonRpcClient {
    private final JsonRpcClient rpc;
    private final Exchange exchange;

    SessionCalls(JsonRpcClient rpc, Exchange exchange) {
      this.rpc = rpc;
      this.exchange = exchange;
    }

    @Override
    public Object invoke(
        String method, Object argument, Type returnType, Map<String, String> extraHeaders) {
      String token = session != null ? session : key;
      byte[] answer;
      try {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        rpc.invoke(method, withoutAbsent(argument), body);
        answer = exchange.send(body.toByteArray(), token);
      } catch (IOException e) {
        throw new ConnectionLostException(server, e);
      } catch (InterruptedException e) {
        // The caller is leaving: the call is abandoned, and the caller sees its flag still set.
        Thread.currentThread().interrupt();
        throw new ConnectionLostException(server, e);
      }
      Object result;
      try {
        // Every answer of the daemon, an error too, is a JSON-RPC response whatever its HTTP
        // status.
        result = rpc.readResponse(returnType, new ByteArrayInputStream(answer));
      } catch (ParleyRpcException e) {
        throw e;
      } catch (IOException e) {
        throw new ConnectionLostException(server, e);
      } catch (Throwable t) {
        throw new ConnectionLostException(server, t);
      }
      if (result instanceof LoginResult login) {
        session = login.session();
      } else if (result instanceof LogoutResult) {
        session = null;
      }
      return result;
    }

    /** Optional params left null are absent, not null: the spec allows no null param. */
    private static Object withoutAbsent(Object argument) {
      if (argument instanceof Map<?, ?> map) {
        Map<Object, Object> present = new LinkedHashMap<>();
        map.forEach(
            (k, v) -> {
              if (v != null) {
                present.put(k, v);
              }
            });
        return present;
      }
      return argument;
    }

    @Override
    public void invoke(String method, Object argument) {
      invoke(method, argument, Object.class, Map.of());
    }

    @Override
    public Object invoke(String method, Object argument, Type returnType) {
      return invoke(method, argument, returnType, Map.of());
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T invoke(String method, Object argument, Class<T> clazz) {
      return (T) invoke(method, argument, (Type) clazz, Map.of());
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T invoke(
        String method, Object argument, Class<T> clazz, Map<String, String> extraHeaders) {
      return (T) invoke(method, argument, (Type) clazz, extraHeaders);
    }
  }
}
