package dev.parley.server.bench;

import static dev.parley.server.bench.PushLoad.appendAndPush;
import static dev.parley.server.bench.PushLoad.call;
import static dev.parley.server.bench.PushLoad.ms;

import dev.parley.server.ParleyServer;
import dev.parley.server.ServerConfig;
import dev.parley.server.ServerLimits;
import dev.parley.server.store.PostgresDatabase;
import dev.parley.server.testing.TestDatabase;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One daemon against two on one PostgreSQL, for BENCHMARKS.md: push throughput over 1 and 16 rooms
 * with 16 and 64 clients (each client sends each call to the next daemon, as a round-robin load
 * balancer does), with SQLite on one daemon as the reference; and the delivery latency of a push on
 * one daemon to a check waiting through another, against both on one daemon.
 *
 * <p>Run: {@code ./mvnw -B -q -Ppush-load -pl server -am verify -DskipTests
 * -Dpush-load.main=dev.parley.server.bench.ClusterLoad -Dpush-load.args="--seconds 10"}, with
 * {@code PARLEY_TEST_DATABASE} naming a PostgreSQL server.
 */
public final class ClusterLoad {
  private static final int LATENCY_ROUNDS = 300;

  private ClusterLoad() {}

  /**
   * Runs the harness.
   *
   * @param args {@code --seconds 10 --warmup 3 --clients 16,64 --rooms 1,16}
   */
  public static void main(String[] args) throws Exception {
    int seconds = 10;
    int warmup = 3;
    List<Integer> clients = List.of(16, 64);
    List<Integer> rooms = List.of(1, 16);
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        case "--clients" ->
            clients = Arrays.stream(args[i + 1].split(",")).map(Integer::parseInt).toList();
        case "--rooms" ->
            rooms = Arrays.stream(args[i + 1].split(",")).map(Integer::parseInt).toList();
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.printf(
        "| store | daemons | rooms | clients | pushes/s | p50 ms | p99 ms |%n"
            + "|---|---|---|---|---|---|---|%n");
    for (int r : rooms) {
      for (int n : clients) {
        throughput("sqlite", 1, r, n, warmup, seconds);
        throughput("postgresql", 1, r, n, warmup, seconds);
        throughput("postgresql", 2, r, n, warmup, seconds);
      }
    }
    System.out.printf("%n| push on | check waits on | p50 ms | p99 ms |%n|---|---|---|---|%n");
    latency(false);
    latency(true);
  }

  private static ServerLimits limits() {
    // No rate limit: the harness is a runaway loop on purpose.
    return ServerLimits.defaults().withRate(0, ServerLimits.defaults().rateBurst()).withDoor(0, 1);
  }

  private static List<ParleyServer> start(String store, int daemons, PostgresDatabase db, Path dir)
      throws Exception {
    List<ParleyServer> out = new ArrayList<>();
    for (int d = 0; d < daemons; d++) {
      ServerConfig config =
          store.equals("sqlite")
              ? ServerConfig.ephemeral().withLimits(limits()).withDataDir(dir)
              : ServerConfig.ephemeral().withLimits(limits()).withDatabase(db);
      config = config.withRoomDefaults(Daemon.ROOMS);
      out.add(new ParleyServer(config).start());
    }
    return out;
  }

  private static void throughput(
      String store, int daemons, int rooms, int clients, int warmup, int seconds) throws Exception {
    PostgresDatabase db = store.equals("postgresql") ? TestDatabase.create() : null;
    Path dir = store.equals("sqlite") ? Files.createTempDirectory("parley-bench-") : null;
    List<ParleyServer> nodes = start(store, daemons, db, dir);
    try {
      List<URI> rpcs = nodes.stream().map(s -> s.uri().resolve("/rpc")).toList();
      List<String> tokens = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        tokens.add(
            call(
                    rpcs.get(c % daemons),
                    null,
                    "login",
                    "{\"username\":\"bench" + c + "\",\"room\":\"bench" + (c % rooms) + "\"}")
                .get("session")
                .asText());
      }
      long measureFrom = System.nanoTime() + Duration.ofSeconds(warmup).toNanos();
      long end = measureFrom + Duration.ofSeconds(seconds).toNanos();
      List<long[]> latencies = new ArrayList<>();
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<long[]>> results = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
          String token = tokens.get(c);
          int first = c;
          results.add(pool.submit(() -> appendAndPush(rpcs, first, token, measureFrom, end)));
        }
        for (Future<long[]> f : results) {
          latencies.add(f.get());
        }
      }
      long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %d | %d | %.0f | %.2f | %.2f |%n",
          store,
          daemons,
          rooms,
          clients,
          all.length / (double) seconds,
          ms(all, 0.50),
          ms(all, 0.99));
    } finally {
      for (ParleyServer s : nodes) {
        s.close();
      }
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
   * A push through the room's daemon, and the time until a check waiting through {@code across} the
   * other daemon (else the same one) returns with it.
   */
  private static void latency(boolean across) throws Exception {
    PostgresDatabase db = TestDatabase.create();
    List<ParleyServer> nodes = start("postgresql", 2, db, null);
    try {
      URI owner = nodes.get(0).uri().resolve("/rpc");
      URI other = across ? nodes.get(1).uri().resolve("/rpc") : owner;
      String pusher =
          call(owner, null, "login", "{\"username\":\"pusher\",\"room\":\"latency\"}")
              .get("session")
              .asText();
      String waiter =
          call(other, null, "login", "{\"username\":\"waiter\",\"room\":\"latency\"}")
              .get("session")
              .asText();
      call(other, waiter, "check", "{\"timeout_ms\":0}");
      long[] lat = new long[LATENCY_ROUNDS];
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < LATENCY_ROUNDS + 20; i++) {
          CompletableFuture<Long> returned =
              CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      call(other, waiter, "check", "{\"timeout_ms\":10000}");
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                    return System.nanoTime();
                  },
                  pool);
          // Let the check park before the push (it returns at once if the push came first).
          Thread.sleep(5);
          call(owner, pusher, "append", "{\"text\":\"ping " + i + "\"}");
          long t0 = System.nanoTime();
          call(owner, pusher, "push", "{\"force\":true}");
          long t1 = returned.get();
          if (i >= 20) {
            lat[i - 20] = t1 - t0;
          }
        }
      }
      Arrays.sort(lat);
      System.out.printf(
          Locale.ROOT,
          "| daemon A (the room's) | %s | %.2f | %.2f |%n",
          across ? "daemon B" : "daemon A",
          ms(lat, 0.50),
          ms(lat, 0.99));
    } finally {
      for (ParleyServer s : nodes) {
        s.close();
      }
      TestDatabase.drop(db);
    }
  }
}
