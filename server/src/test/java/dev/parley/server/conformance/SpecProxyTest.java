package dev.parley.server.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.parley.server.testing.Daemon;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code parley proxy} tells a client developer what their client gets wrong. */
class SpecProxyTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension final Daemon server = Daemon.withDefaults();

  private final HttpClient http = HttpClient.newHttpClient();
  private final StringWriter err = new StringWriter();
  private SpecProxy proxy;

  @BeforeEach
  void start() throws Exception {
    proxy = new SpecProxy("127.0.0.1", 0, server.uri(), new PrintWriter(err));
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
  }

  @Test
  void aWrongTypedParamIsReportedWithItsCallPointerAndRuleAndTheTrafficPassesUnchanged()
      throws Exception {
    JsonNode login =
        post(
            null,
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"login\",\"params\":{\"username\":\"dev\"}}");
    String session = login.path("result").path("session").asText();
    assertThat(session).isNotEmpty();
    assertThat(proxy.violations()).isEmpty();

    JsonNode push =
        post(
            session,
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"push\",\"params\":{\"force\":\"c-42\"}}");
    // The server's own answer reaches the client as it was.
    assertThat(push.path("error").path("code").asInt()).isEqualTo(-32602);

    assertThat(proxy.violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.call()).isEqualTo("call #2 push (id 2)");
              assertThat(v.direction()).isEqualTo("request");
              assertThat(v.pointer()).isEqualTo("/params/force");
              assertThat(v.rule()).isEqualTo("params schema");
              assertThat(v.detail()).contains("boolean");
            });
    assertThat(err.toString())
        .contains("parley proxy: call #2 push (id 2): request /params/force: ")
        .contains("[params schema]");

    HttpResponse<String> report =
        http.send(
            HttpRequest.newBuilder(proxy.uri().resolve("/violations")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(report.statusCode()).isEqualTo(200);
    JsonNode listed = JSON.readTree(report.body()).path("violations");
    assertThat(listed).hasSize(1);
    assertThat(listed.get(0).path("pointer").asText()).isEqualTo("/params/force");
    assertThat(listed.get(0).path("rule").asText()).isEqualTo("params schema");
  }

  @Test
  void theDocumentReadThroughTheProxyNamesTheProxy() throws Exception {
    String proxied = proxy.uri().resolve("/rpc").toString();
    HttpResponse<String> doc =
        http.send(
            HttpRequest.newBuilder(proxy.uri().resolve("/openrpc.json")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(JSON.readTree(doc.body()).path("servers").path(0).path("url").asText())
        .isEqualTo(proxied);
    JsonNode discovered = post(null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"rpc.discover\"}");
    assertThat(discovered.path("result").path("servers").path(0).path("url").asText())
        .isEqualTo(proxied);
    assertThat(proxy.violations()).isEmpty();
  }

  @Test
  void paramsByPositionAndAMissingSessionAreRulesOfTheSpecToo() throws Exception {
    post(
        null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"login\",\"params\":[\"dev\",\"lobby\"]}");
    post(null, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"preview\"}");
    assertThat(proxy.violations())
        .extracting(SpecProxy.Violation::rule)
        .containsExactly("paramStructure", "x-requires-session");
  }

  /** A server whose answers break the spec: a wrong-typed result, an error rooms never gives. */
  @Test
  void aResponseThatBreaksTheSpecIsReportedToo() throws Exception {
    HttpServer wrong = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    wrong.createContext(
        "/rpc",
        exchange -> {
          String call =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String answer =
              call.contains("\"reset\"")
                  ? "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"status\":\"discarded\",\"messages\":[]}}"
                  : "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":40012,\"message\":\"x\",\"data\":{}}}";
          byte[] body = answer.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    wrong.start();
    try (SpecProxy front =
        new SpecProxy(
            "127.0.0.1",
            0,
            URI.create("http://127.0.0.1:" + wrong.getAddress().getPort()),
            new PrintWriter(err))) {
      proxy.close();
      proxy = front;
      post("AAAAAAAAAAAAAAAAAAAAAA", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"reset\"}");
      post(null, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"rooms\"}");
      assertThat(front.violations())
          .extracting(
              v -> v.call() + " " + v.direction() + " " + v.pointer() + " [" + v.rule() + "]")
          // The status breaks two rules of its schema (type and enum), one line each.
          .containsOnly(
              "call #1 reset (id 1) response /result/status [result schema]",
              "call #2 rooms (id 2) response /error/code [errors]",
              "call #2 rooms (id 2) response /error/data/holder [x-error-data]");
    } finally {
      wrong.stop(0);
    }
  }

  private JsonNode post(String session, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(proxy.uri().resolve("/rpc"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (session != null) {
      request.header("Authorization", "Bearer " + session);
    }
    return JSON.readTree(http.send(request.build(), HttpResponse.BodyHandlers.ofString()).body());
  }
}
