package dev.parley.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Forwards /rpc to the daemon and notes each call's method, but can swallow the answer to the next
 * call of a given method after the daemon acted on it: a lost answer at an exact call.
 */
final class CuttingProxy implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer http;
  private final URI target;
  private final HttpClient client = HttpClient.newHttpClient();
  private final AtomicReference<String> cutNext = new AtomicReference<>();
  private final AtomicInteger cuts = new AtomicInteger();
  private final List<String> methods = new CopyOnWriteArrayList<>();
  private final AtomicReference<Hold> holdNext = new AtomicReference<>();

  /** A call held at the proxy: {@link #arrived} once it is, sent on when {@link #release} is. */
  record Hold(String method, CountDownLatch arrived, CountDownLatch release) {}

  CuttingProxy(URI target) throws IOException {
    this.target = target;
    this.http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/rpc", this::forward);
    // A call held at the proxy must not hold up the others.
    http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    http.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
  }

  /** The daemon answers the next call of {@code method}, but the client never hears it. */
  void cutNext(String method) {
    cutNext.set(method);
  }

  /**
   * Holds the next call of {@code method} before it reaches the daemon until the hold is released:
   * another thread's calls run meanwhile, in an order the test chooses.
   */
  Hold holdNext(String method) {
    Hold hold = new Hold(method, new CountDownLatch(1), new CountDownLatch(1));
    holdNext.set(hold);
    return hold;
  }

  /** How many answers were lost so far. */
  int cuts() {
    return cuts.get();
  }

  /** How many calls of {@code method} passed so far. */
  long calls(String method) {
    return methods.stream().filter(method::equals).count();
  }

  /** Every call's method so far, in order. */
  List<String> methods() {
    return List.copyOf(methods);
  }

  private void forward(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    String method = JSON.readTree(body).path("method").asText();
    methods.add(method);
    Hold hold = holdNext.get();
    if (hold != null && hold.method().equals(method) && holdNext.compareAndSet(hold, null)) {
      hold.arrived().countDown();
      try {
        if (!hold.release().await(30, TimeUnit.SECONDS)) {
          throw new IOException("a held call was never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(target.resolve("/rpc"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    if (auth != null) {
      request.header("Authorization", auth);
    }
    HttpResponse<byte[]> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    String cut = cutNext.get();
    // compareAndSet compares by identity: hand it the very string that was set.
    if (method.equals(cut) && cutNext.compareAndSet(cut, null)) {
      // The daemon has acted on the call; the client never hears of it.
      cuts.incrementAndGet();
      exchange.close();
      return;
    }
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(
        response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(response.body());
    }
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
