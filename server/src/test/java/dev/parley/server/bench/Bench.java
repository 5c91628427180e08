package dev.parley.server.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The benchmark harness of BENCHMARKS.md. Every scenario talks to the daemon over real loopback
 * HTTP (and WebSocket for observers) and builds it only through {@code ParleyServer}'s public
 * configuration, or runs {@code parley serve} in a child JVM; each reports its numbers as a ratio
 * against a reference measured in the same run, just before or after.
 *
 * <p>Run: {@code ./mvnw -B -q -Pbench -pl server -am verify -DskipTests}; choose with {@code
 * -Dbench.args="--scenarios rpc,push"} (see {@link Options} for every option).
 */
public final class Bench {
  private static final Duration AWAIT_BOUND = Duration.ofSeconds(60);

  private Bench() {}

  /**
   * The options, each {@code --name value}; lists are comma-separated.
   *
   * <ul>
   *   <li>{@code --scenarios rpc,push,fanout,wake,latency,socket}: which to run, in that order;
   *   <li>{@code --seconds 3 --warmup 2 --conns 1,16,64 --rpc-stores memory,sqlite --rpc-rooms 1}:
   *       the rpc scenario (wrk runs; the warm-up also serves the push scenario);
   *   <li>{@code --push-seconds 3 --push-clients 1,16,64 --push-rooms 1,16}: the push scenario (a
   *       combination with more rooms than clients is skipped);
   *   <li>{@code --fanout-checks 1000 --fanout-observers 200 --fanout-rounds 20 --fanout-seconds 60
   *       --fanout-warmup 1 --fanout-store sqlite}: the fan-out scenario; it starts no new round
   *       once its rounds have taken the seconds given (after at least 3), so that a slow engine
   *       does not take many minutes;
   *   <li>{@code --wake-checks 10000 --wake-rooms 100 --wake-store sqlite}: the wake scenario;
   *   <li>{@code --latency-samples 300 --latency-stores memory,sqlite}: the latency scenario (a
   *       fifth as many warm-up samples first);
   *   <li>{@code --socket-fanout 1000 --socket-rounds 10 --socket-store sqlite}: the socket
   *       scenario, {@code /rpc/ws} against the HTTP long poll on one daemon (its latency part
   *       takes {@code --latency-samples}).
   * </ul>
   */
  static final class Options {
    List<String> scenarios = List.of("rpc", "push", "fanout", "wake", "latency", "socket");
    int seconds = 3;
    int warmup = 2;
    List<Integer> conns = List.of(1, 16, 64);
    List<String> rpcStores = List.of("memory", "sqlite");
    int rpcRooms = 1;
    int pushSeconds = 3;
    List<Integer> pushClients = List.of(1, 16, 64);
    List<Integer> pushRooms = List.of(1, 16);
    int fanoutChecks = 1000;
    int fanoutObservers = 200;
    int fanoutRounds = 20;
    int fanoutSeconds = 60;
    int fanoutWarmup = 1;
    String fanoutStore = "sqlite";
    int wakeChecks = 10_000;
    int wakeRooms = 100;
    String wakeStore = "sqlite";
    int latencySamples = 300;
    List<String> latencyStores = List.of("memory", "sqlite");
    int socketFanout = 1000;
    int socketRounds = 10;
    String socketStore = "sqlite";

    static Options parse(String[] args) {
      Options o = new Options();
      if (args.length % 2 != 0) {
        throw new IllegalArgumentException("options come in pairs: --name value");
      }
      for (int i = 0; i < args.length; i += 2) {
        String v = args[i + 1];
        switch (args[i]) {
          case "--scenarios" -> o.scenarios = strings(v);
          case "--seconds" -> o.seconds = Integer.parseInt(v);
          case "--warmup" -> o.warmup = Integer.parseInt(v);
          case "--conns" -> o.conns = ints(v);
          case "--rpc-stores" -> o.rpcStores = strings(v);
          case "--rpc-rooms" -> o.rpcRooms = Integer.parseInt(v);
          case "--push-seconds" -> o.pushSeconds = Integer.parseInt(v);
          case "--push-clients" -> o.pushClients = ints(v);
          case "--push-rooms" -> o.pushRooms = ints(v);
          case "--fanout-checks" -> o.fanoutChecks = Integer.parseInt(v);
          case "--fanout-observers" -> o.fanoutObservers = Integer.parseInt(v);
          case "--fanout-rounds" -> o.fanoutRounds = Integer.parseInt(v);
          case "--fanout-seconds" -> o.fanoutSeconds = Integer.parseInt(v);
          case "--fanout-warmup" -> o.fanoutWarmup = Integer.parseInt(v);
          case "--fanout-store" -> o.fanoutStore = v;
          case "--wake-checks" -> o.wakeChecks = Integer.parseInt(v);
          case "--wake-rooms" -> o.wakeRooms = Integer.parseInt(v);
          case "--wake-store" -> o.wakeStore = v;
          case "--latency-samples" -> o.latencySamples = Integer.parseInt(v);
          case "--latency-stores" -> o.latencyStores = strings(v);
          case "--socket-fanout" -> o.socketFanout = Integer.parseInt(v);
          case "--socket-rounds" -> o.socketRounds = Integer.parseInt(v);
          case "--socket-store" -> o.socketStore = v;
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      return o;
    }

    /**
     * File descriptors the chosen scenarios need in this JVM: in-process scenarios hold both ends
     * of every connection; the wake scenario holds the client ends, its child the others.
     */
    long descriptors() {
      long need = 256;
      if (scenarios.contains("fanout")) {
        need = Math.max(need, 2L * (fanoutChecks + fanoutObservers) + 512);
      }
      if (scenarios.contains("wake")) {
        need = Math.max(need, wakeChecks + wakeRooms + 512L);
      }
      if (scenarios.contains("socket")) {
        need = Math.max(need, 4L * socketFanout + 512);
      }
      return need;
    }

    private static List<String> strings(String v) {
      return List.of(v.split(","));
    }

    private static List<Integer> ints(String v) {
      return Arrays.stream(v.split(",")).map(Integer::parseInt).toList();
    }
  }

  /**
   * Runs the chosen scenarios and prints their tables (Markdown) on standard output.
   *
   * @param args see {@link Options}
   */
  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    long limit = openFileLimit();
    if (limit < o.descriptors()) {
      throw new IllegalStateException(
          "these scenarios need about "
              + o.descriptors()
              + " open files, the limit is "
              + limit
              + ": raise it (ulimit -n "
              + o.descriptors()
              + ") or choose fewer checks");
    }
    if (!Files.isExecutable(Path.of(Wrk.EXECUTABLE))
        && (o.scenarios.contains("rpc") || o.scenarios.contains("push"))) {
      throw new IllegalStateException(
          Wrk.EXECUTABLE + " is missing: apt-get install wrk (or -Dbench.wrk=PATH)");
    }
    Instant start = Instant.now();
    System.out.printf("## Benchmark run %s%n%n", start);
    System.out.printf("- args: %s%n", String.join(" ", args));
    System.out.printf(
        "- machine: %d cores (%s), JDK %s (%s), open files limit %d, load average at start %s%n",
        Runtime.getRuntime().availableProcessors(),
        cpuModel(),
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"),
        limit,
        loadAverage());
    for (String s : o.scenarios) {
      switch (s) {
        case "rpc" -> RpcThroughput.run(o);
        case "push" -> PushThroughput.run(o);
        case "fanout" -> FanOut.run(o);
        case "wake" -> WakeAll.run(o);
        case "latency" -> DeliveryLatency.run(o);
        case "socket" -> SocketDelivery.run(o);
        default ->
            throw new IllegalArgumentException(
                "unknown scenario " + s + " (rpc, push, fanout, wake, latency, socket)");
      }
    }
    System.out.printf(
        "%n- took %d s; load average at the end %s%n",
        Duration.between(start, Instant.now()).toSeconds(), loadAverage());
  }

  /** A progress line on standard error (the tables go to standard output). */
  static void progress(String format, Object... args) {
    System.err.printf(
        "[bench %tT] %s%n",
        System.currentTimeMillis(), String.format(java.util.Locale.ROOT, format, args));
  }

  /** Polls {@code condition} (backing off from 0 to 20 ms) until it holds; fails after a minute. */
  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + AWAIT_BOUND.toNanos();
    long pause = 0;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not within " + AWAIT_BOUND + ": " + what);
      }
      if (pause > 0) {
        Thread.sleep(pause);
      }
      pause = Math.min(20, Math.max(1, pause * 2));
    }
  }

  private static long openFileLimit() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"), StandardCharsets.UTF_8)) {
      if (line.startsWith("Max open files")) {
        String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
        return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
      }
    }
    return Long.MAX_VALUE;
  }

  private static String cpuModel() throws Exception {
    return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
        .filter(l -> l.startsWith("model name"))
        .map(l -> l.substring(l.indexOf(':') + 1).trim())
        .findFirst()
        .orElse("unknown CPU");
  }

  private static String loadAverage() throws Exception {
    String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return parts[0] + " " + parts[1] + " " + parts[2];
  }
}
