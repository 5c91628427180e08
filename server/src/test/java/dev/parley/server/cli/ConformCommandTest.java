package dev.parley.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.parley.server.testing.Daemon;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** {@code parley conform} passes against our daemon and fails readably against a broken one. */
class ConformCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Its own daemon per test: the rate-limit vector throttles the caller's address. */
  @RegisterExtension final Daemon server = Daemon.withDefaults();

  @Test
  void everyScenarioPassesAgainstOurDaemon() {
    Run run = conform(server.uri());
    assertThat(run.exit()).as(run.out()).isZero();
    assertThat(run.out())
        .startsWith("SCENARIO")
        .contains("04-interruption")
        .contains("13 scenarios against " + server.uri() + ": 13 passed, 0 failed")
        .doesNotContainPattern("\\bFAIL\\b");
  }

  /**
   * A server that forgets to piggyback (every result's {@code messages} empty) fails the scenarios
   * that rely on delivery, each row naming the step, the JSON pointer, what was expected and found.
   */
  @Test
  void aServerThatDropsPiggybackedMessagesFailsWithAReadableTable() throws IOException {
    HttpServer broken = forgetfulProxy(server.uri());
    try {
      URI url = URI.create("http://127.0.0.1:" + broken.getAddress().getPort());
      Run run = conform(url);
      assertThat(run.exit()).isEqualTo(1);
      assertThat(run.out())
          .containsPattern(
              "03-piggyback +FAIL +2/11 +step 3 \\(alice: append\\): /result/messages: expected an"
                  + " array of 1, found an array of 0")
          .containsPattern("04-interruption +FAIL +5/12 +step 6 \\(bob: push\\): ")
          .containsPattern("09-json-rpc +pass +6/6")
          .containsPattern("13 scenarios against " + url + ": \\d passed, \\d failed");
    } finally {
      broken.stop(0);
    }
  }

  private static Run conform(URI url) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        new CommandLine(new ConformCommand())
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute("--server", url.toString());
    return new Run(exit, out.toString() + err);
  }

  /** Forwards POST /rpc to {@code daemon}, emptying every result's {@code messages}. */
  private static HttpServer forgetfulProxy(URI daemon) throws IOException {
    HttpClient client = HttpClient.newHttpClient();
    HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    proxy.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    proxy.createContext(
        "/rpc",
        exchange -> {
          try (exchange) {
            forward(client, daemon, exchange);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    proxy.start();
    return proxy;
  }

  private static void forward(HttpClient client, URI daemon, HttpExchange exchange)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(daemon.resolve("/rpc"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(exchange.getRequestBody().readAllBytes()));
    String bearer = exchange.getRequestHeaders().getFirst("Authorization");
    if (bearer != null) {
      request.header("Authorization", bearer);
    }
    HttpResponse<byte[]> answer =
        client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    byte[] body = answer.body();
    JsonNode reply = JSON.readTree(body);
    if (reply != null && reply.path("result").has("messages")) {
      ((ObjectNode) reply.get("result")).putArray("messages");
      body = JSON.writeValueAsBytes(reply);
    }
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(answer.statusCode(), body.length);
    exchange.getResponseBody().write(body);
  }

  private record Run(int exit, String out) {}
}
