package dev.parley.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.ServerConfig;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics} and {@code GET /stats} of a real daemon, after real calls over HTTP. */
class MetricsTest {
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private static final long LONG_MS = 60_000;

  @Test
  void metricsCountCallsByMethodAndOutcome() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      RpcClient alice = server.login("alice");
      alice.call("append", Map.of("text", "hello"));
      alice.call("push", Map.of());
      alice.error("append", Map.of("text", 5), -32602);
      alice.error("no_such_method", Map.of(), -32601);

      HttpResponse<String> response = get(server, "/metrics");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("content-type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
      Map<String, Double> series = parse(response.body());
      assertThat(series)
          .containsEntry("parley_calls_total{method=\"login\",outcome=\"ok\"}", 1.0)
          .containsEntry("parley_calls_total{method=\"append\",outcome=\"ok\"}", 1.0)
          .containsEntry("parley_calls_total{method=\"append\",outcome=\"-32602\"}", 1.0)
          .containsEntry("parley_calls_total{method=\"push\",outcome=\"ok\"}", 1.0)
          .containsEntry("parley_calls_total{method=\"unknown\",outcome=\"-32601\"}", 1.0)
          .containsEntry("parley_call_latency_seconds_count{method=\"append\"}", 2.0)
          .containsEntry("parley_call_latency_seconds_count{method=\"push\"}", 1.0)
          .containsEntry("parley_sessions", 1.0)
          .containsEntry("parley_rooms", 1.0)
          .containsEntry("parley_checks_pending", 0.0)
          .containsEntry("parley_observers", 0.0)
          .containsEntry("parley_observers_queued_bytes", 0.0)
          .containsEntry("parley_log_dropped_lines_total", 0.0)
          .containsKey("parley_log_queue_bytes")
          .containsKey("parley_commit_latency_seconds_count");
      // The login and the push at least each stored something; every committed call is in a batch.
      double batches = series.get("parley_commit_batch_calls_count");
      assertThat(batches).isGreaterThanOrEqualTo(1.0);
      assertThat(series.get("parley_commit_batch_calls_sum")).isGreaterThanOrEqualTo(batches);
      assertThat(series.get("parley_commit_latency_seconds_count")).isEqualTo(batches);
      assertThat(series.keySet())
          .anyMatch(
              k ->
                  k.startsWith("parley_call_latency_seconds_bucket{")
                      && k.contains("method=\"push\"")
                      && k.contains("le=\"+Inf\""));

      JsonNode stats = RpcClient.parse(get(server, "/stats").body());
      assertThat(stats.path("sessions").asInt()).isEqualTo(1);
      assertThat(stats.path("rooms").asInt()).isEqualTo(1);
      assertThat(stats.path("pending_checks").asInt()).isZero();
      JsonNode calls = stats.path("calls");
      assertThat(calls.path("push").path("ok").asLong()).isEqualTo(1);
      assertThat(calls.path("push").path("count").asLong()).isEqualTo(1);
      assertThat(calls.path("append").path("ok").asLong()).isEqualTo(1);
      assertThat(calls.path("append").path("errors").path("-32602").asLong()).isEqualTo(1);
      assertThat(calls.path("append").path("count").asLong()).isEqualTo(2);
      assertThat(calls.path("unknown").path("errors").path("-32601").asLong()).isEqualTo(1);
      assertThat(calls.path("push").path("latency_ms").path("p50").isNumber()).isTrue();
      assertThat(stats.path("commits").path("batches").asDouble()).isEqualTo(batches);
      assertThat(stats.path("log").path("dropped_lines").asLong()).isZero();
    }
  }

  @Test
  void requestsRefusedBeforeNamingAMethodCountAsInvalid() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      server.client().post("{not json");
      server.client().post("{\"jsonrpc\":\"1.0\",\"method\":\"rooms\",\"id\":1}");

      Map<String, Double> series = parse(get(server, "/metrics").body());
      assertThat(series)
          .containsEntry("parley_calls_total{method=\"invalid\",outcome=\"-32700\"}", 1.0)
          .containsEntry("parley_calls_total{method=\"invalid\",outcome=\"-32600\"}", 1.0);
    }
  }

  @Test
  void aPendingCheckShowsUntilItIsAnswered() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      RpcClient alice = server.login("alice");
      RpcClient bob = server.login("bob");
      CompletableFuture<JsonNode> check = bob.callAsync("check", Map.of("timeout_ms", LONG_MS));
      await()
          .atMost(10, TimeUnit.SECONDS)
          .until(() -> parse(get(server, "/metrics").body()).get("parley_checks_pending") == 1.0);
      assertThat(RpcClient.parse(get(server, "/stats").body()).path("pending_checks").asInt())
          .isEqualTo(1);

      alice.call("append", Map.of("text", "wake up"));
      alice.call("push", Map.of());
      check.get(10, TimeUnit.SECONDS);
      await()
          .atMost(10, TimeUnit.SECONDS)
          .until(() -> parse(get(server, "/metrics").body()).get("parley_checks_pending") == 0.0);
      assertThat(parse(get(server, "/metrics").body()))
          .containsEntry("parley_calls_total{method=\"check\",outcome=\"ok\"}", 1.0);
    }
  }

  @Test
  void aDaemonInMemoryHasNoConversationLogSeries() throws Exception {
    try (RunningServer server = RunningServer.inMemory(ServerConfig.ephemeral())) {
      RpcClient alice = server.login("alice");
      alice.call("append", Map.of("text", "hello"));
      alice.call("push", Map.of());
      Map<String, Double> series = parse(get(server, "/metrics").body());
      assertThat(series).containsEntry("parley_calls_total{method=\"push\",outcome=\"ok\"}", 1.0);
      assertThat(series.keySet()).noneMatch(k -> k.startsWith("parley_log_"));
      assertThat(RpcClient.parse(get(server, "/stats").body()).has("log")).isFalse();
    }
  }

  @Test
  void onlyGetIsAllowed() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(server.uri().resolve("/metrics"))
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(405);
      assertThat(RpcClient.parse(response.body()).path("error").asText()).isEqualTo("use GET");
    }
  }

  /** The samples of a Prometheus text body, by name and labels as written. */
  private static Map<String, Double> parse(String body) {
    Map<String, Double> out = new HashMap<>();
    for (String line : body.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return out;
  }

  private static HttpResponse<String> get(RunningServer server, String path) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(server.uri().resolve(path)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
