package dev.parley.server.bench;

import dev.parley.server.bench.Http.Conn;
import dev.parley.server.bench.Http.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Scenario {@code wake}: N checks parked across R rooms (N/R a room), each on a keep-alive
 * connection of its own that served the session's login and catch-up first; the server in a child
 * JVM, so that its heap after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}) is its
 * own. Then one push a room, all sent at once: the time from the first push sent, and from the last
 * push answered, to the last check answered. The references are a bare Jetty holding as many parked
 * requests on connections with the same history, with Jetty's default header cache and with none
 * (the parser's cache costs about 96 KiB per connection from its second request on).
 */
final class WakeAll {
  private WakeAll() {}

  /** One target's numbers. */
  private record Outcome(
      Child.Memory memory,
      long lastPushNanos,
      long lastCheckNanos,
      long medianCheckNanos,
      int wrong) {}

  static void run(Bench.Options o) throws Exception {
    System.out.printf(
        "%n### wake: %d parked checks across %d rooms, one push a room (server in a child JVM)%n%n",
        o.wakeChecks, o.wakeRooms);
    List<String> names =
        List.of(
            "bare Jetty (default header cache)",
            "bare Jetty (header cache 0)",
            "parley " + o.wakeStore);
    List<Outcome> outcomes = new ArrayList<>();
    try (Child c = Child.ceiling(-1)) {
      outcomes.add(measure(new Parking.Bare("ceiling"), c, o));
    }
    try (Child c = Child.ceiling(0)) {
      outcomes.add(measure(new Parking.Bare("ceiling"), c, o));
    }
    try (Child c = Child.parley(o.wakeStore)) {
      outcomes.add(measure(new Parking.Parley(o.wakeStore), c, o));
    }
    Stats.header(
        "target",
        "heap after GC MiB",
        "RSS MiB",
        "last push answered ms",
        "last check ms",
        "last check − last push ms",
        "median check ms",
        "wrong answers");
    for (int i = 0; i < names.size(); i++) {
      Outcome r = outcomes.get(i);
      Stats.row(
          names.get(i),
          Stats.f(r.memory.heapMiB()),
          Stats.f(r.memory.rssMiB()),
          Stats.f(r.lastPushNanos / 1e6),
          Stats.f(r.lastCheckNanos / 1e6),
          Stats.f((r.lastCheckNanos - r.lastPushNanos) / 1e6),
          Stats.f(r.medianCheckNanos / 1e6),
          r.wrong);
    }
    Outcome bare = outcomes.get(0);
    Outcome parley = outcomes.get(2);
    System.out.printf(
        "%nparley ÷ bare Jetty (default header cache): heap %s, last check %s%n",
        Stats.x(parley.memory.heapMiB(), bare.memory.heapMiB()),
        Stats.x(parley.lastCheckNanos, bare.lastCheckNanos));
  }

  private static Outcome measure(Parking side, Child child, Bench.Options o) throws Exception {
    try (Http http = new Http(child.uri())) {
      int rooms = o.wakeRooms;
      long began = System.nanoTime();
      List<Conn> wakers = Stats.parallel(rooms, 16, r -> side.waker(http, room(r)));
      List<Conn> waiters =
          Stats.parallel(o.wakeChecks, 32, i -> side.waiter(http, room(i % rooms), i));
      Bench.progress(
          "wake, %s: %d waiters joined in %.1f s",
          side.name(), waiters.size(), (System.nanoTime() - began) / 1e9);
      Stats.parallel(
          waiters.size(),
          32,
          i -> {
            side.settle(waiters.get(i));
            return null;
          });
      Bench.progress(
          "wake, %s: settled after %.1f s", side.name(), (System.nanoTime() - began) / 1e9);
      String text = "wake " + UUID.randomUUID();
      for (Conn w : wakers) {
        side.arm(w, text);
      }
      List<CompletableFuture<Reply>> checks = new ArrayList<>();
      for (int i = 0; i < waiters.size(); i++) {
        checks.add(side.park(waiters.get(i), room(i % rooms)));
      }
      int perRoom = o.wakeChecks / rooms;
      for (int r = 0; r < rooms; r++) {
        int room = r;
        Bench.await(
            () -> side.parked(wakers.get(room), room(room)) >= perRoom,
            "waiters parked in " + room(room));
      }
      Bench.progress(
          "wake, %s: parked after %.1f s", side.name(), (System.nanoTime() - began) / 1e9);
      Child.Memory memory = child.memory();
      long t0 = System.nanoTime();
      List<CompletableFuture<Reply>> pushes = new ArrayList<>();
      for (int r = 0; r < rooms; r++) {
        pushes.add(side.fire(wakers.get(r), room(r), text));
      }
      long lastPush = 0;
      for (CompletableFuture<Reply> p : pushes) {
        lastPush = Math.max(lastPush, Http.await(p).arrived() - t0);
      }
      long[] woke = new long[checks.size()];
      int wrong = 0;
      for (int i = 0; i < checks.size(); i++) {
        Reply reply = Http.await(checks.get(i));
        woke[i] = reply.arrived() - t0;
        wrong += side.woke(reply, text) ? 0 : 1;
      }
      long last = 0;
      for (long w : woke) {
        last = Math.max(last, w);
      }
      waiters.forEach(Conn::close);
      wakers.forEach(Conn::close);
      return new Outcome(memory, lastPush, last, (long) (Stats.ms(woke, 0.5) * 1e6), wrong);
    }
  }

  private static String room(int r) {
    return "wake-" + r;
  }
}
