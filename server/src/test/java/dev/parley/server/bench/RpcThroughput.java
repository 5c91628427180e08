package dev.parley.server.bench;

import dev.parley.server.bench.Http.Conn;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario {@code rpc}: {@code append}/{@code undo} alternating, and {@code preview}, over N
 * keep-alive connections (wrk), each connection its own session, all sessions in one room (or
 * spread over {@code --rpc-rooms}); against the ceiling driven by the same script at the same
 * connection count, measured just before.
 */
final class RpcThroughput {
  private static final List<List<String>> CYCLES =
      List.of(List.of("append", "undo"), List.of("preview"));

  private RpcThroughput() {}

  static void run(Bench.Options o) throws Exception {
    int most = Collections.max(o.conns);
    System.out.printf(
        "%n### rpc: calls/s over keep-alive connections (wrk, %d s a run after a %d s warm-up; "
            + "one session a connection, in %d room(s))%n%n",
        o.seconds, o.warmup, o.rpcRooms);
    Map<String, AutoCloseable> servers = new LinkedHashMap<>();
    Map<String, URI> uris = new LinkedHashMap<>();
    Map<String, Path> tokens = new LinkedHashMap<>();
    try {
      Ceiling ceiling = new Ceiling(-1).start();
      servers.put("ceiling", ceiling);
      uris.put("ceiling", ceiling.uri());
      tokens.put("ceiling", Wrk.tokenFile(Collections.nCopies(most, "unused")));
      for (String store : o.rpcStores) {
        Daemon d = Daemon.start(store);
        servers.put(store, d);
        uris.put(store, d.uri());
        tokens.put(store, Wrk.tokenFile(logins(d.uri(), most, o.rpcRooms)));
      }
      for (List<String> cycle : CYCLES) {
        for (String target : uris.keySet()) {
          Wrk.run(
              uris.get(target),
              tokens.get(target),
              cycle,
              null,
              Math.min(16, most),
              Duration.ofSeconds(o.warmup));
        }
      }
      List<String> columns = new ArrayList<>(List.of("calls", "conns", "ceiling calls/s"));
      for (String store : o.rpcStores) {
        columns.addAll(List.of(store + " calls/s", store + " ÷ ceiling"));
      }
      columns.addAll(
          List.of("p99 ms (ceiling" + stores(o) + ")", "errors (ceiling" + stores(o) + ")"));
      Stats.header(columns.toArray(String[]::new));
      for (List<String> cycle : CYCLES) {
        for (int conns : o.conns) {
          Map<String, Wrk.Result> results = new LinkedHashMap<>();
          for (String target : uris.keySet()) {
            results.put(
                target,
                Wrk.run(
                    uris.get(target),
                    tokens.get(target),
                    cycle,
                    null,
                    conns,
                    Duration.ofSeconds(o.seconds)));
          }
          double ceilingRate = results.get("ceiling").perSecond();
          List<Object> row =
              new ArrayList<>(List.of(String.join("/", cycle), conns, Stats.f(ceilingRate)));
          for (String store : o.rpcStores) {
            row.add(Stats.f(results.get(store).perSecond()));
            row.add(Stats.x(results.get(store).perSecond(), ceilingRate));
          }
          row.add(
              String.join(" / ", results.values().stream().map(r -> Stats.f(r.p99Ms())).toList()));
          row.add(
              String.join(
                  " / ",
                  results.values().stream().map(r -> Long.toString(r.allErrors())).toList()));
          Stats.row(row.toArray());
        }
      }
    } finally {
      for (AutoCloseable s : servers.values()) {
        s.close();
      }
    }
  }

  private static String stores(Bench.Options o) {
    return o.rpcStores.stream().map(s -> " / " + s).reduce("", String::concat);
  }

  /** Logs in {@code n} sessions spread over {@code rooms} rooms and returns their tokens. */
  static List<String> logins(URI uri, int n, int rooms) throws Exception {
    try (Http http = new Http(uri);
        Conn c = http.open()) {
      List<String> tokens = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        tokens.add(
            c.call("login", "{\"username\":\"rpc" + i + "\",\"room\":\"rpc-" + (i % rooms) + "\"}")
                .get("session")
                .asText());
      }
      return tokens;
    }
  }
}
