package dev.parley.server.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.server.testing.RunningServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Pages of other sites can neither read the rooms nor speak in them; programs and local pages can. */
class OriginTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String ROOMS = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"rooms\"}";

  private static HttpResponse<String> post(URI base, String origin) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/rpc"))
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
    return builder.buildAsync(URI.create("ws://127.0.0.1:" + base.getPort() + "/observe"), new WebSocket.Listener() { })
        .get(30, TimeUnit.SECONDS);
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

      observe(base, "http://127.0.0.1:" + base.getPort()).abort();
      assertThatThrownBy(() -> observe(base, "https://evil.example")).rootCause().hasMessageContaining("status code 403");
    }
  }
}
