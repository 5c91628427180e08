package dev.parley.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.extension.Extension;
import dev.parley.extension.ExtensionContext;
import dev.parley.extension.events.RoomEvent;
import dev.parley.server.ParleyServer;
import dev.parley.server.ServerConfig;
import dev.parley.server.testing.RawHttp;
import dev.parley.server.testing.RpcClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon mounts what it is given through the extension API and nothing else: without an
 * extension it still serves its own doors, and an extension is mounted at its path behind the same
 * origin policy, hearing the room events it subscribed to.
 */
class ExtensionsTest {

  /** A door at {@code /hello} that says hello, and remembers every room event it hears. */
  private static class Hello implements Extension {
    final List<RoomEvent> heard = new CopyOnWriteArrayList<>();
    ExtensionContext context;

    @Override
    public String name() {
      return "hello";
    }

    @Override
    public String path() {
      return "/hello";
    }

    @Override
    public Handler handler(ExtensionContext context) {
      this.context = context;
      context.subscribe(heard::add);
      return new Handler.Abstract.NonBlocking() {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
          response.setStatus(HttpStatus.OK_200);
          response.write(
              true,
              ByteBuffer.wrap(("hello from " + context.uri()).getBytes(StandardCharsets.UTF_8)),
              callback);
          return true;
        }
      };
    }
  }

  private static RawHttp.Response get(ParleyServer server, String path, String host) {
    return RawHttp.send(server.port(), "GET", path, Map.of("Host", host), null);
  }

  @Test
  void withoutExtensionsTheDaemonServesRpcAndNothingAtTheViewersPaths() throws Exception {
    try (ParleyServer server =
        new ParleyServer(ServerConfig.ephemeral(), null, List.of()).start()) {
      assertThat(server.extensions()).isEmpty();
      RpcClient alice = RpcClient.at(server.uri()).login("alice", "lobby");
      alice.call("append", Map.of("text", "hello"));
      assertThat(alice.call("push", Map.of()).path("status").asInt()).isEqualTo(1);

      String host = "127.0.0.1:" + server.port();
      for (String path : List.of("/", "/index.html", "/observe")) {
        RawHttp.Response response = get(server, path, host);
        assertThat(response.status()).as(path).isEqualTo(404);
        assertThat(response.headers().get("content-type")).as(path).startsWith("application/json");
      }
      assertThat(get(server, "/health", host).status()).isEqualTo(200);
      assertThat(get(server, "/metrics", host).body())
          .contains("parley_sessions")
          .doesNotContain("parley_observers");
      assertThat(RpcClient.parse(get(server, "/stats", host).body()).path("observers").asInt())
          .isZero();
    }
  }

  @Test
  void anExtensionIsMountedAtItsPathBehindTheOriginPolicyAndHearsRoomEvents() throws Exception {
    Hello hello = new Hello();
    try (ParleyServer server =
        new ParleyServer(ServerConfig.ephemeral(), null, List.of(hello)).start()) {
      assertThat(server.extensions()).containsEntry("hello", "/hello");
      String host = "127.0.0.1:" + server.port();
      RawHttp.Response served = get(server, "/hello", host);
      assertThat(served.status()).isEqualTo(200);
      assertThat(served.body()).isEqualTo("hello from " + server.uri());
      // A page of another site reaches no door, an extension's neither.
      RawHttp.Response rebound = get(server, "/hello", "evil.example");
      assertThat(rebound.status()).isEqualTo(403);
      assertThat(RpcClient.parse(rebound.body()).path("error").path("code").asInt())
          .isEqualTo(-32600);
      RawHttp.Response foreign =
          RawHttp.send(
              server.port(),
              "GET",
              "/hello",
              Map.of("Host", host, "Origin", "https://evil.example"),
              null);
      assertThat(foreign.status()).isEqualTo(403);

      RpcClient.at(server.uri()).login("alice", "lobby").call("append", Map.of("text", "hi"));
      RpcClient.at(server.uri()).login("bob", "lobby");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  hello.heard.stream()
                      .anyMatch(
                          e ->
                              e instanceof RoomEvent.ActionEnded a
                                  && a.user().equals("alice")
                                  && a.method().equals("append")));
      // Subscribers are fixed before the first event: a late one would miss some.
      assertThatThrownBy(() -> hello.context.subscribe(event -> {}))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void anExtensionCannotTakeADoorOfTheDaemon(@TempDir Path dir) {
    Extension rpc =
        new Hello() {
          @Override
          public String path() {
            return "/rpc";
          }
        };
    ServerConfig config = ServerConfig.ephemeral().withDataDir(dir.resolve("data"));
    assertThatThrownBy(() -> new ParleyServer(config, null, List.of(rpc)).close())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("/rpc");
    // The refused daemon let go of its data directory: the next one opens it.
    new ParleyServer(config, null, List.of()).close();
    assertThatThrownBy(
            () ->
                new ParleyServer(ServerConfig.ephemeral(), null, List.of(new Hello(), new Hello()))
                    .close())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("/hello");
  }

  @Test
  void theExtensionsOnTheClasspathAreFoundAndMounted() throws Exception {
    // The viewer is on this module's test classpath (and only there): ServiceLoader finds it.
    try (ParleyServer server = new ParleyServer(ServerConfig.ephemeral()).start()) {
      assertThat(server.extensions()).containsEntry("viewer", "/");
      RawHttp.Response page = get(server, "/", "127.0.0.1:" + server.port());
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.headers().get("content-type")).startsWith("text/html");
    }
  }
}
