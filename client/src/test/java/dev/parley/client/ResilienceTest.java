package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.parley.server.ServerConfig;
import dev.parley.server.testing.RunningServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AsyncChatRoom rides out a restarted server and a lost response, and stays usable from several threads. */
class ResilienceTest {
  @TempDir
  Path dataDir;

  @Test
  void aServerRestartMidConversationLosesNoDraft() throws Exception {
    RunningServer first = RunningServer.start(ServerConfig.ephemeral().withDataDir(dataDir));
    URI url = first.uri();
    try (AsyncChatRoom alice = new AsyncChatRoom(url, "alice", "restart", Duration.ofMinutes(2));
        AsyncChatRoom bob = new AsyncChatRoom(url, "bob", "restart", Duration.ofMinutes(2))) {
      alice.check(Duration.ZERO);
      assertThat(alice.append("written before the restart, ")).isEmpty();
      first.close();

      // The daemon is down: this call retries with backoff until it comes back.
      CompletableFuture<String> during = CompletableFuture.supplyAsync(() -> alice.append("finished after it"));
      try (RunningServer second = RunningServer.start(ServerConfig.ephemeral().withDataDir(dataDir).withPort(url.getPort()))) {
        assertThat(second.uri()).isEqualTo(url);
        assertThat(during.get(2, TimeUnit.MINUTES)).isEmpty();
        assertThat(alice.preview()).isEqualTo("[draft: written before the restart, finished after it]");
        assertThat(alice.push()).isEmpty();
        assertThat(bob.check(Duration.ofSeconds(30))).isEqualTo("alice: written before the restart, finished after it");
      }
    }
  }

  @Test
  void aPushWhoseResponseIsLostIsRetriedAndSentOnce() throws Exception {
    try (RunningServer server = RunningServer.start(); CuttingProxy proxy = new CuttingProxy(server.uri())) {
      try (AsyncChatRoom alice = new AsyncChatRoom(proxy.uri(), "alice", "lost", Duration.ofMinutes(2));
          AsyncChatRoom bob = new AsyncChatRoom(server.uri(), "bob", "lost")) {
        alice.check(Duration.ZERO);
        alice.append("exactly once");
        proxy.cutNextPush();
        assertThat(alice.push()).isEmpty();
        assertThat(proxy.cut.get()).as("the first push's answer was cut off").isEqualTo(1);
        assertThat(proxy.pushes.get()).as("the push was sent again").isEqualTo(2);
        assertThat(bob.check(Duration.ofSeconds(30))).isEqualTo("alice: exactly once");
        assertThat(bob.check(Duration.ZERO)).isEmpty();
        assertThat(alice.preview()).isEqualTo("[the draft is empty]");
      }
    }
  }

  @Test
  void aCheckInOneThreadDoesNotBlockActionsInAnother() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      try (AsyncChatRoom alice = new AsyncChatRoom(server.uri(), "alice", "threads");
          AsyncChatRoom bob = new AsyncChatRoom(server.uri(), "bob", "threads")) {
        alice.check(Duration.ZERO);
        CompletableFuture<String> listening = CompletableFuture.supplyAsync(() -> alice.check(Duration.ofSeconds(60)));
        assertThat(alice.append("meanwhile, in another thread")).isEmpty();
        assertThat(alice.preview()).isEqualTo("[draft: meanwhile, in another thread]");
        bob.append("hi alice");
        bob.push();
        assertThat(listening.get(60, TimeUnit.SECONDS)).isEqualTo("bob: hi alice");
      }
    }
  }

  /** Forwards /rpc to the daemon, but can swallow the answer to a push after forwarding it. */
  private static final class CuttingProxy implements AutoCloseable {
    private final HttpServer http;
    private final URI target;
    private final HttpClient client = HttpClient.newHttpClient();
    private final AtomicBoolean cutNext = new AtomicBoolean();
    final AtomicInteger cut = new AtomicInteger();
    final AtomicInteger pushes = new AtomicInteger();

    CuttingProxy(URI target) throws IOException {
      this.target = target;
      this.http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      http.createContext("/rpc", this::forward);
      http.start();
    }

    URI uri() {
      return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    void cutNextPush() {
      cutNext.set(true);
    }

    private void forward(HttpExchange exchange) throws IOException {
      byte[] body = exchange.getRequestBody().readAllBytes();
      boolean push = new String(body, StandardCharsets.UTF_8).contains("\"method\":\"push\"");
      HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve("/rpc"))
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
      if (push) {
        pushes.incrementAndGet();
        if (cutNext.compareAndSet(true, false)) {
          // The daemon has done the push; the client never hears of it.
          cut.incrementAndGet();
          exchange.close();
          return;
        }
      }
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(response.body());
      }
    }

    @Override
    public void close() {
      http.stop(0);
    }
  }
}
