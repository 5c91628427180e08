package dev.parley.viewer.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.viewer.observe.FrameClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** parley replay's server: the page, and a plain tagged log streamed as observer frames. */
class ReplayServerTest {
  private static final Duration BOUND = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void aSeedLogArrivesAsFramesAndPingsArePonged() throws Exception {
    Path log = dir.resolve("seed.jsonl");
    Files.write(
        log,
        List.of(
            "{\"timestamp\": \"2024-01-15T10:30:45.123\", \"user\": \"claude\", \"content\": \"<bot_thinking>they asked about tea</bot_thinking>\"}",
            "{\"timestamp\": \"2024-01-15T10:30:46.000\", \"user\": \"claude\", \"content\": \"<tool_call>{\\\"name\\\": \\\"append\\\", \\\"arguments\\\": {\\\"text\\\": \\\"green\\\"}}</tool_call>\"}",
            "garbage that is skipped",
            "{\"timestamp\": \"2024-01-15T10:30:47.000\", \"user\": \"claude\", \"content\": \"green, please\"}"));
    // The replay waits for the viewer: it starts playing once the viewer is connected.
    CountDownLatch viewerReady = new CountDownLatch(1);
    Sleeper gated = d -> viewerReady.await(30, TimeUnit.SECONDS);
    try (ReplayServer server = new ReplayServer("127.0.0.1", 0, log, 1.0, gated).start()) {
      HttpResponse<String> page =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(server.uri()).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("<title>Parley viewer</title>");
      // A replay has no stored log: older messages are refused plainly, and the page stops asking.
      HttpResponse<String> older =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(server.uri().resolve("/observe/history?room=r")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(older.statusCode()).isEqualTo(404);
      assertThat(older.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(older.body()).contains("\"error\":\"a replay keeps no stored log");

      try (FrameClient viewer = FrameClient.connect(URI.create(server.uri().toString()), null)) {
        JsonNode welcome = viewer.next(BOUND);
        assertThat(welcome.get("type").asText()).isEqualTo("welcome");
        assertThat(welcome.get("mode").asText()).isEqualTo("replay");

        CompletableFuture<Integer> playing =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return server.play(false, Duration.ZERO);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
        viewerReady.countDown();
        assertThat(playing.get(30, TimeUnit.SECONDS)).isEqualTo(3);

        List<JsonNode> frames =
            viewer.until(
                f -> f.path("parsed_content").path("content").asText().equals("green, please"),
                BOUND);
        assertThat(frames)
            .filteredOn(f -> f.get("type").asText().equals("chat_message"))
            .extracting(f -> f.get("parsed_content").get("type").asText())
            .containsExactly("thinking", "tool_call", "chat");
        assertThat(frames.get(0).get("timestamp").asText()).isEqualTo("2024-01-15T10:30:45.123");
        assertThat(frames.get(0).has("stream_time")).isTrue();
        assertThat(frames)
            .anySatisfy(
                f -> {
                  assertThat(f.get("type").asText()).isEqualTo("activity");
                  assertThat(f.get("method").asText()).isEqualTo("append");
                });

        viewer.send("{\"type\": \"ping\"}");
        assertThat(viewer.next(BOUND).get("type").asText()).isEqualTo("pong");
      }
    }
  }

  @Test
  void aReplayThatWaitsForAViewerShowsItTheLogFromItsFirstLine() throws Exception {
    Path log = dir.resolve("once.jsonl");
    Files.write(
        log,
        List.of(
            "{\"timestamp\": \"2024-01-15T10:30:45.000\", \"user\": \"ann\", \"content\": \"first\"}",
            "{\"timestamp\": \"2024-01-15T10:30:46.000\", \"user\": \"ann\", \"content\": \"last\"}"));
    // No pauses, only a note of how many viewers were connected at the pause between the lines:
    // without the wait the whole log is played before anyone can connect.
    AtomicReference<ReplayServer> replaying = new AtomicReference<>();
    List<Integer> viewersAtPause = new CopyOnWriteArrayList<>();
    Sleeper noting = d -> viewersAtPause.add(replaying.get().hub().size());
    try (ReplayServer server = new ReplayServer("127.0.0.1", 0, log, 1.0, noting).start()) {
      replaying.set(server);
      CompletableFuture<Integer> playing =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return server.play(false, Duration.ZERO, true);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      try (FrameClient viewer = FrameClient.connect(URI.create(server.uri().toString()), null)) {
        List<JsonNode> frames =
            viewer.until(
                f -> f.path("parsed_content").path("content").asText().equals("last"), BOUND);
        assertThat(frames)
            .filteredOn(f -> f.get("type").asText().equals("chat_message"))
            .extracting(f -> f.get("parsed_content").get("content").asText())
            .containsExactly("first", "last");
        assertThat(playing.get(30, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(viewersAtPause).containsExactly(1);
      }
    }
  }
}
