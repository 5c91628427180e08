package dev.parley.server.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian's {@code wrk} with the harness's Lua script ({@code bench/rpc.lua}): one connection
 * per wrk thread, each its own session, cycling through a list of calls.
 */
final class Wrk {
  static final String EXECUTABLE = System.getProperty("bench.wrk", "/usr/bin/wrk");
  private static Path script;

  private Wrk() {}

  /** What one wrk run counted. */
  record Result(
      long requests,
      double seconds,
      long errors,
      long socketErrors,
      long timed,
      double timedP50Ms,
      double timedP99Ms,
      double timedMaxMs,
      double p50Ms,
      double p99Ms) {
    double perSecond() {
      return (requests - errors) / seconds;
    }

    double timedPerSecond() {
      return timed / seconds;
    }

    /** Errors of any kind, as the tables print them. */
    long allErrors() {
      return errors + socketErrors;
    }
  }

  /**
   * Runs wrk against {@code base}'s {@code /rpc}.
   *
   * @param tokens one bearer token a line, at least {@code connections} of them
   * @param calls the cycle of methods each connection calls
   * @param timed the method whose round trips are timed apart, or null
   */
  static Result run(
      URI base, Path tokens, List<String> calls, String timed, int connections, Duration duration)
      throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(
            EXECUTABLE,
            "-t",
            Integer.toString(connections),
            "-c",
            Integer.toString(connections),
            "-d",
            duration.toSeconds() + "s",
            "--timeout",
            "30s",
            "-s",
            script().toString(),
            base.resolve("/rpc").toString());
    Map<String, String> env = pb.environment();
    env.put("BENCH_TOKENS", tokens.toString());
    env.put("BENCH_CALLS", String.join(",", calls));
    env.put("BENCH_TIMED", timed == null ? "" : timed);
    pb.redirectErrorStream(true);
    Process wrk = pb.start();
    String out = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!wrk.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS) || wrk.exitValue() != 0) {
      throw new IllegalStateException("wrk failed:\n" + out);
    }
    // The script's diagnostics (the first error answer of each connection) and wrk's own.
    out.lines()
        .filter(
            l -> !l.startsWith("BENCH ") && (l.contains("error") || l.contains("Socket errors")))
        .forEach(l -> System.err.println("[wrk] " + l));
    String line =
        out.lines()
            .filter(l -> l.startsWith("BENCH "))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("wrk printed no result:\n" + out));
    Map<String, String> v = new HashMap<>();
    for (String pair : line.substring(6).split(" ")) {
      String[] kv = pair.split("=", 2);
      v.put(kv[0], kv[1]);
    }
    return new Result(
        Long.parseLong(v.get("requests")),
        Long.parseLong(v.get("duration_us")) / 1e6,
        Long.parseLong(v.get("errors")),
        Long.parseLong(v.get("socket_errors")),
        Long.parseLong(v.get("timed")),
        ms(v.get("timed_p50_us")),
        ms(v.get("timed_p99_us")),
        ms(v.get("timed_max_us")),
        ms(v.get("p50_us")),
        ms(v.get("p99_us")));
  }

  private static double ms(String micros) {
    return Double.parseDouble(micros) / 1000;
  }

  /** The script, copied out of the classpath once, since wrk reads a file. */
  private static synchronized Path script() throws IOException {
    if (script == null) {
      Path file = Files.createTempFile("parley-bench-", ".lua");
      file.toFile().deleteOnExit();
      try (InputStream in = Wrk.class.getResourceAsStream("/bench/rpc.lua")) {
        if (in == null) {
          throw new IllegalStateException("bench/rpc.lua is missing from the test classpath");
        }
        Files.write(file, in.readAllBytes());
      }
      script = file;
    }
    return script;
  }

  /** Writes {@code tokens}, one a line, to a temporary file. */
  static Path tokenFile(List<String> tokens) throws IOException {
    Path file = Files.createTempFile("parley-bench-tokens-", ".txt");
    file.toFile().deleteOnExit();
    Files.write(file, tokens, StandardCharsets.UTF_8);
    return file;
  }
}
