package dev.parley.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.server.ParleyServer;
import dev.parley.server.ServerConfig;
import dev.parley.server.ServerLimits;
import dev.parley.server.store.PostgresDatabase;
import dev.parley.server.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The push load harness of BENCHMARKS.md: a daemon in this JVM (SQLite in a fresh directory, a
 * fresh PostgreSQL database on the server {@code PARLEY_TEST_DATABASE} names, or in memory) and N
 * clients over real loopback HTTP, each appending and pushing (force, so that interruptions do not
 * skew the numbers) as fast as it can for a fixed time after a warm-up. Reports pushes per second
 * and the push latency percentiles.
 *
 * <p>Run: {@code ./mvnw -B -q -Ppush-load -pl server -am verify -DskipTests}; arguments through
 * {@code -Dpush-load.args="--clients 1,16 --seconds 10 --stores sqlite,memory"}.
 */
public final class PushLoad {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private PushLoad() {}

  /**
   * Runs the harness.
   *
   * @param args {@code --clients 1,16 --seconds 10 --warmup 3 --stores sqlite,postgresql,memory}
   */
  public static void main(String[] args) throws Exception {
    List<Integer> clients = List.of(1, 16);
    List<String> stores = List.of("sqlite", "memory");
    int seconds = 10;
    int warmup = 3;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--clients" ->
            clients = Arrays.stream(args[i + 1].split(",")).map(Integer::parseInt).toList();
        case "--stores" -> stores = List.of(args[i + 1].split(","));
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.printf(
        "| store | clients | pushes/s | p50 ms | p99 ms | max ms |%n|---|---|---|---|---|---|%n");
    for (String store : stores) {
      for (int n : clients) {
        run(store, n, warmup, seconds);
      }
    }
  }

  private static void run(String store, int clients, int warmup, int seconds) throws Exception {
    PostgresDatabase db = store.equals("postgresql") ? TestDatabase.create() : null;
    Path dir = store.equals("memory") ? null : Files.createTempDirectory("parley-bench-");
    // No rate limit: the harness is a runaway loop on purpose.
    ServerLimits limits =
        ServerLimits.defaults().withRate(0, ServerLimits.defaults().rateBurst()).withDoor(0, 1);
    try (ParleyServer server =
        new ParleyServer(
                ServerConfig.ephemeral()
                    .withLimits(limits)
                    .withDataDir(dir)
                    .withDatabase(db)
                    .withRoomDefaults(Daemon.ROOMS))
            .start()) {
      URI rpc = server.uri().resolve("/rpc");
      List<String> tokens = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        tokens.add(
            call(rpc, null, "login", "{\"username\":\"bench" + c + "\",\"room\":\"bench\"}")
                .get("session")
                .asText());
      }
      long start = System.nanoTime();
      long measureFrom = start + Duration.ofSeconds(warmup).toNanos();
      long end = measureFrom + Duration.ofSeconds(seconds).toNanos();
      List<long[]> latencies = new ArrayList<>();
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<long[]>> results = new ArrayList<>();
        for (String token : tokens) {
          results.add(pool.submit(() -> appendAndPush(List.of(rpc), 0, token, measureFrom, end)));
        }
        for (Future<long[]> f : results) {
          latencies.add(f.get());
        }
      }
      long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %.0f | %.2f | %.2f | %.2f |%n",
          store,
          clients,
          all.length / (double) seconds,
          ms(all, 0.50),
          ms(all, 0.99),
          all[all.length - 1] / 1e6);
    } finally {
      if (db != null) {
        TestDatabase.drop(db);
      }
      if (dir != null) {
        try (var paths = Files.walk(dir)) {
          for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
    }
  }

  /**
   * One client's loop: {@code append} then {@code push {force: true}} until {@code end}, each call
   * to the next of {@code nodes} (from {@code first}), as a round-robin load balancer sends them.
   *
   * @return the round trips of the pushes made between {@code measureFrom} and {@code end}, in
   *     nanoseconds
   */
  static long[] appendAndPush(List<URI> nodes, int first, String token, long measureFrom, long end)
      throws Exception {
    long[] lat = new long[1 << 16];
    int count = 0;
    int next = first;
    for (int i = 0; System.nanoTime() < end; i++) {
      call(
          nodes.get(next++ % nodes.size()),
          token,
          "append",
          "{\"text\":\"message " + i + " of a benchmark run\"}");
      long t0 = System.nanoTime();
      call(nodes.get(next++ % nodes.size()), token, "push", "{\"force\":true}");
      long t1 = System.nanoTime();
      if (t0 >= measureFrom && t1 <= end) {
        if (count == lat.length) {
          lat = Arrays.copyOf(lat, lat.length * 2);
        }
        lat[count++] = t1 - t0;
      }
    }
    return Arrays.copyOf(lat, count);
  }

  /** The {@code q} quantile of {@code sorted} nanoseconds, in milliseconds. */
  static double ms(long[] sorted, double q) {
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e6;
  }

  /** One call over loopback HTTP; its result, or an exception for an error. */
  static JsonNode call(URI rpc, String token, String method, String params) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(rpc)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\""
                        + method
                        + "\",\"params\":"
                        + params
                        + "}"));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    JsonNode response =
        JSON.readTree(HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()).body());
    if (!response.has("result")) {
      throw new IllegalStateException(method + " failed: " + response);
    }
    return response.get("result");
  }
}
