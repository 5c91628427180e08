package dev.parley.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.server.rpc.SpecSchemas;
import dev.parley.spec.SpecDocument;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A JSON-RPC client of {@code /rpc/ws} for tests, on the JDK's WebSocket client: calls wait for the
 * answer with their id; the server's notifications met on the way (or waited for) are kept in
 * order. Every answer is checked against the spec as {@link RpcClient} does, and every notification
 * against its declared params.
 */
public final class SocketClient implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final SpecSchemas SCHEMAS = new SpecSchemas(SpecDocument.get().tree());
  private static final AtomicLong IDS = new AtomicLong();

  /** How long any one frame is waited for before the test fails. */
  private static final long WAIT_SECONDS = 30;

  private final WebSocket socket;
  private final BlockingQueue<Object> frames = new LinkedBlockingQueue<>();
  private final List<JsonNode> notifications = new ArrayList<>();
  private final List<JsonNode> taken = new ArrayList<>();
  private final CompletableFuture<String> closed = new CompletableFuture<>();
  private volatile String session;
  private volatile String username;

  private SocketClient(WebSocket.Builder builder, URI uri) {
    this.socket = builder.buildAsync(uri, new Listener()).join();
  }

  /** Opens {@code /rpc/ws} of the daemon at {@code base}. */
  public static SocketClient open(URI base) {
    return new SocketClient(HTTP.newWebSocketBuilder(), ws(base));
  }

  /** Opens {@code /rpc/ws} with {@code Authorization: Bearer token} on the upgrade. */
  public static SocketClient open(URI base, String token) {
    SocketClient c =
        new SocketClient(
            HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + token), ws(base));
    c.session = token;
    return c;
  }

  /** The socket address of the daemon at {@code base}. */
  public static URI ws(URI base) {
    return URI.create("ws://" + base.getAuthority() + "/rpc/ws");
  }

  /** Logs in on the socket; {@code subscribe} asks for notifications. */
  public JsonNode login(String name, String room, boolean subscribe) {
    JsonNode result = call("login", Map.of("username", name, "room", room, "subscribe", subscribe));
    session = result.get("session").asText();
    username = name;
    return result;
  }

  /** The session token of the last login, or the upgrade's. */
  public String session() {
    return session;
  }

  /** The username of the last login. */
  public String username() {
    return username;
  }

  /** Calls {@code method}; fails the test on an error. */
  public JsonNode call(String method, Map<String, ?> params) {
    JsonNode response = request(method, params);
    assertThat(response.has("error")).as("error from %s: %s", method, response).isFalse();
    return response.get("result");
  }

  /** Calls a method without params. */
  public JsonNode call(String method) {
    return call(method, Map.of());
  }

  /** Calls {@code method}, expecting error {@code code}; returns the error object. */
  public JsonNode error(String method, Map<String, ?> params, int code) {
    JsonNode response = request(method, params);
    assertThat(response.path("error").path("code").asInt())
        .as("code of %s", response)
        .isEqualTo(code);
    return response.get("error");
  }

  /** Calls {@code method} and returns the whole response, checked against the spec. */
  public JsonNode request(String method, Map<String, ?> params) {
    ObjectNode body = RpcClient.JSON.createObjectNode();
    body.put("jsonrpc", "2.0");
    body.put("method", method);
    body.set("params", RpcClient.JSON.valueToTree(params));
    long id = IDS.incrementAndGet();
    body.put("id", id);
    send(body.toString());
    JsonNode response = answerTo(id);
    RpcClient.checkAgainstSpec(method, response);
    return response;
  }

  /** Sends a binary frame, which the door does not take. */
  public void sendBinary() {
    socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
  }

  /** Sends one text frame as it is. */
  public void send(String text) {
    socket.sendText(text, true).join();
  }

  /**
   * The next frame that is not a notification (notifications met are kept); fails the test when
   * none comes in time or the socket closes.
   */
  public JsonNode nextAnswer() {
    while (true) {
      JsonNode frame = nextFrame();
      if (!isNotification(frame)) {
        return frame;
      }
      keep(frame);
    }
  }

  private JsonNode answerTo(long id) {
    while (true) {
      JsonNode frame = nextAnswer();
      if (frame.path("id").isNumber() && frame.get("id").asLong() == id) {
        return frame;
      }
      throw new AssertionError("an answer out of order: " + frame + " while waiting for " + id);
    }
  }

  /** Waits for the next notification (after those already kept and not yet taken). */
  public JsonNode nextNotification() {
    synchronized (notifications) {
      if (!notifications.isEmpty()) {
        return notifications.removeFirst();
      }
    }
    while (true) {
      JsonNode frame = nextFrame();
      if (isNotification(frame)) {
        check(frame);
        return frame;
      }
      throw new AssertionError("an answer nobody asked for: " + frame);
    }
  }

  /** Takes the notifications kept so far. */
  public List<JsonNode> takeNotifications() {
    synchronized (notifications) {
      List<JsonNode> out = new ArrayList<>(notifications);
      notifications.clear();
      return out;
    }
  }

  /** The close status and reason, once the server closed the socket. */
  public String awaitClose() {
    try {
      return closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the socket was not closed in time", e);
    }
  }

  private void keep(JsonNode frame) {
    check(frame);
    synchronized (notifications) {
      notifications.add(frame);
    }
  }

  private static void check(JsonNode frame) {
    assertThat(frame.has("id")).as("a notification has no id: %s", frame).isFalse();
    assertThat(SCHEMAS.validateNotification(frame.path("method").asText(), frame.path("params")))
        .as("notification against its declared params: %s", frame)
        .isEmpty();
  }

  private static boolean isNotification(JsonNode frame) {
    return frame.isObject() && frame.has("method");
  }

  /**
   * Sends {@code body} as one frame and returns the frame that answers it, as it came, or empty
   * when it gets none (notifications only): a request sent after it is answered first, as a socket
   * answers its frames in order.
   */
  public java.util.Optional<String> exchange(String body) {
    String sentinel = "sentinel-" + IDS.incrementAndGet();
    send(body);
    send("{\"jsonrpc\": \"2.0\", \"method\": \"rooms\", \"id\": \"" + sentinel + "\"}");
    String first = nextRaw();
    if (isSentinel(first, sentinel)) {
      return java.util.Optional.empty();
    }
    String after = nextRaw();
    assertThat(isSentinel(after, sentinel)).as("one answer to one frame, then %s", after).isTrue();
    return java.util.Optional.of(first);
  }

  private static boolean isSentinel(String frame, String sentinel) {
    JsonNode parsed = RpcClient.parse(frame);
    return parsed.isObject() && sentinel.equals(parsed.path("id").asText(null));
  }

  private String nextRaw() {
    Object frame;
    try {
      frame = frames.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    if (frame == null) {
      throw new AssertionError("no frame within " + WAIT_SECONDS + " s");
    }
    if (frame instanceof Closed close) {
      frames.add(close);
      throw new AssertionError("the socket closed: " + close.how());
    }
    return (String) frame;
  }

  private record Closed(String how) {}

  private JsonNode nextFrame() {
    JsonNode frame = RpcClient.parse(nextRaw());
    synchronized (taken) {
      taken.add(frame);
    }
    return frame;
  }

  /** Every frame taken so far (answers and notifications), in the order they came. */
  public List<JsonNode> framesTaken() {
    synchronized (taken) {
      return List.copyOf(taken);
    }
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
    socket.abort();
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        frames.add(text.toString());
        text.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
      String close = status + " " + reason;
      closed.complete(close);
      frames.add(new Closed(close));
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      String close = "error " + error;
      closed.complete(close);
      frames.add(new Closed(close));
    }
  }

  /** How long tests wait for one frame. */
  public static Duration frameWait() {
    return Duration.ofSeconds(WAIT_SECONDS);
  }
}
