package dev.parley.server.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.server.testing.Daemon;
import dev.parley.server.testing.RawHttp;
import dev.parley.server.testing.RpcClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The viewer page says what it may load and that no other site may frame it; a bad {@code /observe}
 * address is a 400 with a JSON body, never a 500.
 */
class ViewerSecurityTest {
  @RegisterExtension static final Daemon server = Daemon.withDefaults();
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    port = server.uri().getPort();
  }

  private static RawHttp.Response get(String path, boolean upgrade) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Host", "127.0.0.1:" + port);
    if (upgrade) {
      headers.put("Upgrade", "websocket");
      headers.put("Connection", "Upgrade");
      headers.put("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
      headers.put("Sec-WebSocket-Version", "13");
    }
    return RawHttp.send(port, "GET", path, headers, null);
  }

  @Test
  void thePageAndItsFilesCarrySecurityHeaders() {
    for (String path : List.of("/", "/index.html", "/viewer.js", "/viewer.css")) {
      RawHttp.Response page = get(path, false);
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.headers().get("content-security-policy"))
          .as(path)
          .contains(
              "default-src 'none'",
              "script-src 'self'",
              "style-src 'self'",
              "frame-ancestors 'none'",
              "connect-src 'self' ws://127.0.0.1:" + port + " wss://127.0.0.1:" + port)
          .doesNotContain("unsafe-inline", "unsafe-eval");
      assertThat(page.headers())
          .containsEntry("x-content-type-options", "nosniff")
          .containsEntry("x-frame-options", "DENY")
          .containsEntry("referrer-policy", "no-referrer");
    }
  }

  @Test
  void aBadObserveAddressIsA400WithAJsonBody() {
    for (String path :
        List.of(
            "/observe?room=<script>",
            "/observe?room=%3Cscript%3E",
            "/observe?room=Lobby",
            "/observe?room=%zz")) {
      for (boolean upgrade : List.of(true, false)) {
        RawHttp.Response answer = get(path, upgrade);
        assertThat(answer.status()).as("%s (upgrade %s): %s", path, upgrade, answer).isEqualTo(400);
        assertThat(answer.headers().get("content-type")).startsWith("application/json");
        assertThat(RpcClient.parse(answer.body()).get("error").asText())
            .contains("/observe?room=NAME");
      }
    }
    assertThat(get("/observe?room=lobby", true).status()).isEqualTo(101);
    assertThat(get("/observe", true).status()).isEqualTo(101);
  }
}
