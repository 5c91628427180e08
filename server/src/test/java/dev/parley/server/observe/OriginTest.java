package dev.parley.server.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.ServerConfig;
import dev.parley.server.testing.RawHttp;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Pages of other sites can neither read the rooms nor speak in them, not even through DNS rebinding
 * (a page whose own name now points at this machine); programs and local pages can.
 */
class OriginTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String ROOMS = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"rooms\"}";
  private static final Map<String, String> UPGRADE =
      Map.of(
          "Upgrade",
          "websocket",
          "Connection",
          "Upgrade",
          "Sec-WebSocket-Key",
          "dGhlIHNhbXBsZSBub25jZQ==",
          "Sec-WebSocket-Version",
          "13");

  private static HttpResponse<String> post(URI base, String origin) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve("/rpc"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(ROOMS));
    if (origin != null) {
      request.header("Origin", origin);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static WebSocket observe(URI base, String origin) throws Exception {
    WebSocket.Builder builder = HTTP.newWebSocketBuilder();
    builder.header("Origin", origin);
    return builder
        .buildAsync(
            URI.create("ws://127.0.0.1:" + base.getPort() + "/observe"),
            new WebSocket.Listener() {})
        .get(30, TimeUnit.SECONDS);
  }

  /** A request naming {@code host} (and {@code origin} when not null), as a browser sends it. */
  private static RawHttp.Response raw(
      int port,
      String method,
      String path,
      String host,
      String origin,
      Map<String, String> extra,
      String body) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Host", host);
    if (origin != null) {
      headers.put("Origin", origin);
    }
    headers.putAll(extra);
    return RawHttp.send(port, method, path, headers, body);
  }

  private static RawHttp.Response rpc(int port, String host, String origin) {
    return raw(
        port, "POST", "/rpc", host, origin, Map.of("Content-Type", "application/json"), ROOMS);
  }

  private static void assertRefused(RawHttp.Response response) {
    assertThat(response.status()).as("status of %s", response).isEqualTo(403);
    assertThat(response.headers().get("content-type")).startsWith("application/json");
    JsonNode error = RpcClient.parse(response.body()).get("error");
    assertThat(error.get("code").asInt()).isEqualTo(-32600);
    assertThat(error.path("data").path("detail").asText()).isNotBlank();
  }

  @Test
  void anotherSitesPageIsRefusedAndLocalOnesAreServed() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      URI base = server.uri();
      assertThat(post(base, null).statusCode()).isEqualTo(200);
      assertThat(post(base, "http://127.0.0.1:" + base.getPort()).statusCode()).isEqualTo(200);
      assertThat(post(base, "http://localhost:3000").statusCode()).isEqualTo(200);
      HttpResponse<String> foreign = post(base, "https://evil.example");
      assertThat(foreign.statusCode()).isEqualTo(403);
      assertThat(foreign.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(post(base, "null").statusCode()).isEqualTo(403);

      observe(base, "http://127.0.0.1:" + base.getPort()).abort();
      assertThatThrownBy(() -> observe(base, "https://evil.example"))
          .rootCause()
          .hasMessageContaining("status code 403");
    }
  }

  @Test
  void aReboundPageIsRefusedAtEveryDoor() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      int port = server.uri().getPort();
      String evil = "evil.example:" + port;
      String evilOrigin = "http://evil.example:" + port;

      // The page's origin names the same host as its requests: only the Host itself gives it away.
      assertRefused(rpc(port, evil, evilOrigin));
      assertRefused(rpc(port, evil, null));
      assertRefused(raw(port, "GET", "/observe", evil, evilOrigin, UPGRADE, null));
      assertRefused(raw(port, "GET", "/health", evil, null, Map.of(), null));
      assertRefused(raw(port, "GET", "/metrics", evil, null, Map.of(), null));
      assertRefused(raw(port, "GET", "/stats", evil, null, Map.of(), null));
      assertRefused(raw(port, "GET", "/", evil, null, Map.of(), null));
      // Nor may a foreign page use a local Host.
      assertRefused(rpc(port, "127.0.0.1:" + port, evilOrigin));
    }
  }

  @Test
  void theLocalNamesOfTheMachineAreServed() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      int port = server.uri().getPort();
      for (String host :
          List.of(
              "127.0.0.1:" + port,
              "localhost:" + port,
              "LOCALHOST",
              "127.8.9.10:" + port,
              "[::1]:" + port,
              "localhost.:" + port)) {
        RawHttp.Response answer = rpc(port, host, "http://" + host);
        assertThat(answer.status()).as("Host %s: %s", host, answer).isEqualTo(200);
        assertThat(RpcClient.parse(answer.body()).has("result")).isTrue();
      }
      assertThat(
              raw(
                      port,
                      "GET",
                      "/observe",
                      "localhost:" + port,
                      "http://localhost:" + port,
                      UPGRADE,
                      null)
                  .status())
          .isEqualTo(101);
    }
  }

  @Test
  void namesGivenWithAllowedHostAreServed() throws Exception {
    try (RunningServer server =
        RunningServer.start(ServerConfig.ephemeral().withAllowedHosts(List.of("Parley.Example")))) {
      int port = server.uri().getPort();
      String host = "parley.example:" + port;
      assertThat(rpc(port, host, "http://" + host).status()).isEqualTo(200);
      assertThat(raw(port, "GET", "/observe", host, "http://" + host, UPGRADE, null).status())
          .isEqualTo(101);
      assertRefused(rpc(port, "other.example:" + port, null));
    }
  }
}
