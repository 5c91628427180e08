package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon started by the launcher ({@code ./parley serve}) survives a build that rewrites {@code
 * cli/target/parley.jar} under it: the launcher runs a copy no build touches. Runs once the jar is
 * packaged, on a copy of the launcher and of the jar in a directory of its own.
 */
class LauncherRebuildIT {
  private static final Duration BOUND = Duration.ofSeconds(90);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path root;

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static HttpResponse<String> post(URI uri, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aRunningDaemonSurvivesARebuildOfTheJar() throws Exception {
    Path launcher = root.resolve("parley");
    Files.copy(Path.of("..", "parley"), launcher);
    launcher.toFile().setExecutable(true);
    Path jar = root.resolve("cli/target/parley.jar");
    Files.createDirectories(jar.getParent());
    Files.copy(Path.of("target", "parley.jar"), jar, StandardCopyOption.COPY_ATTRIBUTES);
    Path cache = root.resolve("cache");
    Path log = root.resolve("daemon.log");
    int port = freePort();
    ProcessBuilder serve =
        new ProcessBuilder(launcher.toString(), "serve", "--in-memory", "--port", "" + port)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    serve.environment().put("PARLEY_JAVA", ProcessHandle.current().info().command().orElseThrow());
    serve.environment().put("PARLEY_CACHE_DIR", cache.toString());
    Process daemon = serve.start();
    try {
      URI base = URI.create("http://127.0.0.1:" + port);
      await()
          .atMost(BOUND)
          .ignoreExceptions()
          .until(
              () ->
                  HTTP.send(
                              HttpRequest.newBuilder(base.resolve("/health")).build(),
                              HttpResponse.BodyHandlers.ofString())
                          .statusCode()
                      == 200);

      // What the build does: the same file, rewritten in place.
      Files.writeString(
          jar,
          "not the jar any more",
          StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE);

      // Calls that load classes the daemon had not needed yet.
      String login =
          post(
                  base.resolve("/rpc"),
                  "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"login\",\"params\":{\"username\":\"alice\",\"room\":\"r\"}}")
              .body();
      assertThat(login).contains("\"session\":");
      String token = login.replaceAll(".*\"session\":\"([^\"]+)\".*", "$1");
      HttpResponse<String> push =
          HTTP.send(
              HttpRequest.newBuilder(base.resolve("/rpc"))
                  .header("Content-Type", "application/json")
                  .header("Authorization", "Bearer " + token)
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "[{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"append\",\"params\":{\"text\":\"hi\"}},"
                              + "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"push\"}]"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(push.body()).contains("\"message_id\":\"msg-");
      assertThat(
              HTTP.send(
                      HttpRequest.newBuilder(base.resolve("/")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);

      daemon.destroy(); // SIGTERM
      assertThat(daemon.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(output).doesNotContain("NoClassDefFoundError").doesNotContain("ClassNotFound");
      assertThat(daemon.exitValue()).as(output).isIn(0, 143);
      try (Stream<Path> copies = Files.list(cache)) {
        assertThat(copies.map(p -> p.getFileName().toString()))
            .singleElement()
            .asString()
            .matches("parley-[0-9a-f]{64}\\.jar");
      }
    } finally {
      daemon.destroyForcibly();
    }
  }
}
