package dev.parley.server.bench;

import dev.parley.server.bench.Http.Conn;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Scenario {@code push}: each client (a wrk connection with a session of its own) loops {@code
 * append} then {@code push {force: true}} (force, so that interruptions do not skew the numbers),
 * the clients spread round-robin over the rooms. SQLite against in-memory at the same clients and
 * rooms, measured just after it; the latency is the push's round trip.
 */
final class PushThroughput {
  private PushThroughput() {}

  static void run(Bench.Options o) throws Exception {
    System.out.printf(
        "%n### push: pushes/s, SQLite against memory (wrk, %d s a run after a %d s warm-up)%n%n",
        o.pushSeconds, o.warmup);
    try (Daemon memory = Daemon.start("memory");
        Daemon sqlite = Daemon.start("sqlite")) {
      for (Daemon d : List.of(memory, sqlite)) {
        Wrk.run(
            d.uri(),
            tokens(d.uri(), "warm", 16, 4),
            List.of("append", "push"),
            "push",
            16,
            Duration.ofSeconds(o.warmup));
      }
      Stats.header(
          "clients",
          "rooms",
          "memory pushes/s",
          "memory p50 / p99 ms",
          "sqlite pushes/s",
          "sqlite p50 / p99 ms",
          "sqlite ÷ memory",
          "errors (memory / sqlite)");
      for (int clients : o.pushClients) {
        for (int rooms : o.pushRooms) {
          if (rooms > clients) {
            continue;
          }
          String prefix = "c" + clients + "-r" + rooms;
          List<Wrk.Result> r = new ArrayList<>();
          for (Daemon d : List.of(memory, sqlite)) {
            r.add(
                Wrk.run(
                    d.uri(),
                    tokens(d.uri(), prefix, clients, rooms),
                    List.of("append", "push"),
                    "push",
                    clients,
                    Duration.ofSeconds(o.pushSeconds)));
          }
          Stats.row(
              clients,
              rooms,
              Stats.f(r.get(0).timedPerSecond()),
              latency(r.get(0)),
              Stats.f(r.get(1).timedPerSecond()),
              latency(r.get(1)),
              Stats.x(r.get(1).timedPerSecond(), r.get(0).timedPerSecond()),
              r.get(0).allErrors() + " / " + r.get(1).allErrors());
        }
      }
    }
  }

  private static String latency(Wrk.Result r) {
    return Stats.f(r.timedP50Ms()) + " / " + Stats.f(r.timedP99Ms());
  }

  /** Logs in fresh sessions for one run, in rooms of their own, and writes their tokens. */
  private static Path tokens(URI uri, String prefix, int clients, int rooms) throws Exception {
    try (Http http = new Http(uri);
        Conn c = http.open()) {
      List<String> tokens = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        tokens.add(
            c.call(
                    "login",
                    "{\"username\":\"p"
                        + i
                        + "\",\"room\":\"push-"
                        + prefix
                        + "-"
                        + (i % rooms)
                        + "\"}")
                .get("session")
                .asText());
      }
      return Wrk.tokenFile(tokens);
    }
  }
}
