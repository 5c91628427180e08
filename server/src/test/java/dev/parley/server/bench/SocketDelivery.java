package dev.parley.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario {@code socket}: delivery on {@code /rpc/ws} against the HTTP long poll, on one daemon in
 * the same run. Latency: the time from sending a push to a subscribed socket's {@code messages}
 * notification carrying it, against the time to a waiting HTTP {@code check}'s answer. Fan-out: one
 * push to a room of {@code --socket-fanout} subscribed sockets, the time until the last of them has
 * the message, against as many waiting HTTP checks.
 */
final class SocketDelivery {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicLong IDS = new AtomicLong();

  private SocketDelivery() {}

  static void run(Bench.Options o) throws Exception {
    try (Daemon d = Daemon.start(o.socketStore)) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      latency(d.uri(), http, o);
      fanOut(d.uri(), http, o);
    }
  }

  // ---- latency --------------------------------------------------------------------------

  private static void latency(URI uri, HttpClient http, Bench.Options o) throws Exception {
    System.out.printf(
        "%n### socket latency: push → a subscribed socket's notification, against push → a"
            + " waiting HTTP check (%d samples each after %d warm-up, %s store, one daemon)%n%n",
        o.latencySamples, o.latencySamples / 5, o.socketStore);
    String pusher = login(http, uri, "pusher", "ws-latency");
    String checker = login(http, uri, "checker", "ws-latency");
    Listener listener = new Listener();
    WebSocket socket = http.newWebSocketBuilder().buildAsync(ws(uri), listener).get();
    call(
        socket,
        listener,
        "login",
        Map.of("username", "socket", "room", "ws-latency", "subscribe", true));
    int warmup = o.latencySamples / 5;
    long[] notified = new long[o.latencySamples];
    long[] checked = new long[o.latencySamples];
    for (int i = -warmup; i < o.latencySamples; i++) {
      String text = "socket sample " + i;
      rpc(http, uri, pusher, "append", Map.of("text", text));
      CompletableFuture<Long> arrival = listener.expect(text);
      long t0 = System.nanoTime();
      rpc(http, uri, pusher, "push", Map.of("force", true));
      long at = arrival.get(60, TimeUnit.SECONDS);
      // The HTTP reader catches up, so that its next check waits.
      rpc(http, uri, checker, "check", Map.of("timeout_ms", 0));
      if (i >= 0) {
        notified[i] = at - t0;
      }
    }
    for (int i = -warmup; i < o.latencySamples; i++) {
      String text = "check sample " + i;
      rpc(http, uri, pusher, "append", Map.of("text", text));
      CompletableFuture<HttpResponse<String>> check =
          rpcAsync(http, uri, checker, "check", Map.of("timeout_ms", 30_000));
      Bench.await(() -> pendingChecks(http, uri) == 1, "the check parked");
      long t0 = System.nanoTime();
      rpc(http, uri, pusher, "push", Map.of("force", true));
      check.get(60, TimeUnit.SECONDS);
      long at = System.nanoTime();
      if (i >= 0) {
        checked[i] = at - t0;
      }
    }
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
    Stats.header("delivery", "p50 ms", "p99 ms", "max ms", "÷ HTTP check p50", "÷ HTTP check p99");
    Stats.row(
        "HTTP check (reference)",
        Stats.f(Stats.ms(checked, 0.5)),
        Stats.f(Stats.ms(checked, 0.99)),
        Stats.f(Stats.max(checked)),
        "1.00",
        "1.00");
    Stats.row(
        "socket notification",
        Stats.f(Stats.ms(notified, 0.5)),
        Stats.f(Stats.ms(notified, 0.99)),
        Stats.f(Stats.max(notified)),
        Stats.x(Stats.ms(notified, 0.5), Stats.ms(checked, 0.5)),
        Stats.x(Stats.ms(notified, 0.99), Stats.ms(checked, 0.99)));
  }

  // ---- fan-out --------------------------------------------------------------------------

  private static void fanOut(URI uri, HttpClient http, Bench.Options o) throws Exception {
    int n = o.socketFanout;
    System.out.printf(
        "%n### socket fan-out: one push to %d subscribed sockets in one room, against %d waiting"
            + " HTTP checks (%d rounds each, time to the last delivery)%n%n",
        n, n, o.socketRounds);
    String room = "ws-fanout";
    String pusher = login(http, uri, "pusher", room);
    // Everyone logs in first, then subscribes: joins are not fanned out to earlier subscribers.
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tokens.add(login(http, uri, "s" + i, room));
    }
    Bench.progress("fan-out: %d sessions logged in", n);
    List<Listener> listeners = new ArrayList<>();
    List<WebSocket> sockets = new ArrayList<>();
    for (String token : tokens) {
      Listener l = new Listener();
      WebSocket s =
          http.newWebSocketBuilder()
              .header("Authorization", "Bearer " + token)
              .buildAsync(ws(uri), l)
              .get();
      call(s, l, "subscribe", Map.of());
      listeners.add(l);
      sockets.add(s);
    }
    Bench.progress("fan-out: %d sockets subscribed", n);
    long[] socketRounds = new long[o.socketRounds];
    for (int r = -1; r < o.socketRounds; r++) {
      String text = "fan-out round " + r;
      rpc(http, uri, pusher, "append", Map.of("text", text));
      List<CompletableFuture<Long>> arrivals = new ArrayList<>();
      for (Listener l : listeners) {
        arrivals.add(l.expect(text));
      }
      long t0 = System.nanoTime();
      rpc(http, uri, pusher, "push", Map.of("force", true));
      long last = 0;
      for (CompletableFuture<Long> a : arrivals) {
        last = Math.max(last, a.get(120, TimeUnit.SECONDS));
      }
      if (r >= 0) {
        socketRounds[r] = last - t0;
      }
    }
    for (WebSocket s : sockets) {
      s.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }
    Bench.progress("fan-out: sockets done; now %d waiting checks", n);
    long[] checkRounds = new long[o.socketRounds];
    for (int r = -1; r < o.socketRounds; r++) {
      String text = "check fan-out round " + r;
      rpc(http, uri, pusher, "append", Map.of("text", text));
      List<CompletableFuture<HttpResponse<String>>> checks = new ArrayList<>();
      for (String token : tokens) {
        checks.add(rpcAsync(http, uri, token, "check", Map.of("timeout_ms", 60_000)));
      }
      Bench.await(() -> pendingChecks(http, uri) == n, "every check parked");
      long t0 = System.nanoTime();
      rpc(http, uri, pusher, "push", Map.of("force", true));
      long last = 0;
      for (CompletableFuture<HttpResponse<String>> c : checks) {
        c.get(120, TimeUnit.SECONDS);
        last = System.nanoTime();
      }
      if (r >= 0) {
        checkRounds[r] = last - t0;
      }
    }
    Stats.header("fan-out to " + n, "p50 ms", "max ms", "÷ HTTP checks p50");
    Stats.row(
        "HTTP checks (reference)",
        Stats.f(Stats.ms(checkRounds, 0.5)),
        Stats.f(Stats.max(checkRounds)),
        "1.00");
    Stats.row(
        "subscribed sockets",
        Stats.f(Stats.ms(socketRounds, 0.5)),
        Stats.f(Stats.max(socketRounds)),
        Stats.x(Stats.ms(socketRounds, 0.5), Stats.ms(checkRounds, 0.5)));
  }

  // ---- helpers --------------------------------------------------------------------------

  private static URI ws(URI base) {
    return URI.create("ws://" + base.getAuthority() + "/rpc/ws");
  }

  private static String login(HttpClient http, URI uri, String name, String room) throws Exception {
    return rpc(http, uri, null, "login", Map.of("username", name, "room", room))
        .get("session")
        .asText();
  }

  private static JsonNode rpc(
      HttpClient http, URI uri, String token, String method, Map<String, ?> params)
      throws Exception {
    JsonNode answer = JSON.readTree(rpcAsync(http, uri, token, method, params).get().body());
    if (answer.has("error")) {
      throw new IllegalStateException(method + ": " + answer);
    }
    return answer.get("result");
  }

  private static CompletableFuture<HttpResponse<String>> rpcAsync(
      HttpClient http, URI uri, String token, String method, Map<String, ?> params)
      throws Exception {
    String body =
        JSON.writeValueAsString(
            Map.of(
                "jsonrpc", "2.0", "id", IDS.incrementAndGet(), "method", method, "params", params));
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri.resolve("/rpc"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int pendingChecks(HttpClient http, URI uri) {
    try {
      String stats =
          http.send(
                  HttpRequest.newBuilder(uri.resolve("/stats")).GET().build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      return JSON.readTree(stats).get("pending_checks").asInt();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void call(WebSocket s, Listener l, String method, Map<String, ?> params)
      throws Exception {
    long id = IDS.incrementAndGet();
    CompletableFuture<JsonNode> answer = l.answer(id);
    s.sendText(
            JSON.writeValueAsString(
                Map.of("jsonrpc", "2.0", "id", id, "method", method, "params", params)),
            true)
        .get();
    JsonNode a = answer.get(60, TimeUnit.SECONDS);
    if (a.has("error")) {
      throw new IllegalStateException(method + ": " + a);
    }
  }

  /** One socket's frames: answers by id, the arrival time of each chat message by content. */
  private static final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();
    private final ConcurrentMap<String, CompletableFuture<Long>> expected =
        new ConcurrentHashMap<>();
    private final ConcurrentMap<Long, CompletableFuture<JsonNode>> answers =
        new ConcurrentHashMap<>();

    CompletableFuture<Long> expect(String content) {
      return expected.computeIfAbsent(content, c -> new CompletableFuture<>());
    }

    CompletableFuture<JsonNode> answer(long id) {
      return answers.computeIfAbsent(id, c -> new CompletableFuture<>());
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        long at = System.nanoTime();
        String frame = text.toString();
        text.setLength(0);
        try {
          JsonNode node = JSON.readTree(frame);
          if (node.has("id")) {
            answer(node.get("id").asLong()).complete(node);
          } else if ("messages".equals(node.path("method").asText())) {
            for (JsonNode m : node.at("/params/messages")) {
              CompletableFuture<Long> f = expected.get(m.path("content").asText());
              if (f != null) {
                f.complete(at);
              }
            }
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
      ws.request(1);
      return null;
    }
  }
}
