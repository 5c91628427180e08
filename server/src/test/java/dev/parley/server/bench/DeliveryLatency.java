package dev.parley.server.bench;

import dev.parley.server.bench.Http.Conn;
import dev.parley.server.bench.Http.Reply;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Scenario {@code latency}: one session waits in {@code check}; once it is parked another one
 * pushes; the sample is the time from the push being sent to the check's answer. The ceiling (a
 * parked request and a wake) is measured first, then each store.
 */
final class DeliveryLatency {
  private static final String ROOM = "latency";

  private DeliveryLatency() {}

  /** Delivery and push round trip of each sample, in nanoseconds. */
  private record Samples(long[] delivery, long[] push, int wrong) {}

  static void run(Bench.Options o) throws Exception {
    System.out.printf(
        "%n### latency: push → a waiting check answers (%d samples after %d warm-up)%n%n",
        o.latencySamples, o.latencySamples / 5);
    Samples reference;
    try (Ceiling ceiling = new Ceiling(-1).start()) {
      reference = measure(new Parking.Bare("ceiling"), ceiling.uri(), o);
    }
    List<Samples> subjects = new ArrayList<>();
    for (String store : o.latencyStores) {
      try (Daemon d = Daemon.start(store)) {
        subjects.add(measure(new Parking.Parley(store), d.uri(), o));
      }
    }
    Stats.header(
        "target",
        "delivery p50 ms",
        "delivery p99 ms",
        "max ms",
        "÷ ceiling p50",
        "÷ ceiling p99",
        "push answered p50 / p99 ms",
        "wrong answers");
    row("ceiling", reference, reference);
    for (int i = 0; i < subjects.size(); i++) {
      row("parley " + o.latencyStores.get(i), subjects.get(i), reference);
    }
  }

  private static void row(String name, Samples s, Samples ref) {
    Stats.row(
        name,
        Stats.f(Stats.ms(s.delivery, 0.5)),
        Stats.f(Stats.ms(s.delivery, 0.99)),
        Stats.f(Stats.max(s.delivery)),
        Stats.x(Stats.ms(s.delivery, 0.5), Stats.ms(ref.delivery, 0.5)),
        Stats.x(Stats.ms(s.delivery, 0.99), Stats.ms(ref.delivery, 0.99)),
        Stats.f(Stats.ms(s.push, 0.5)) + " / " + Stats.f(Stats.ms(s.push, 0.99)),
        s.wrong);
  }

  private static Samples measure(Parking side, URI uri, Bench.Options o) throws Exception {
    try (Http http = new Http(uri)) {
      Conn waker = side.waker(http, ROOM);
      Conn waiter = side.waiter(http, ROOM, 0);
      side.settle(waiter);
      int warmup = o.latencySamples / 5;
      long[] delivery = new long[o.latencySamples];
      long[] push = new long[o.latencySamples];
      int wrong = 0;
      for (int i = -warmup; i < o.latencySamples; i++) {
        String text = "sample " + i + " " + UUID.randomUUID();
        side.arm(waker, text);
        CompletableFuture<Reply> check = side.park(waiter, ROOM);
        Bench.await(() -> side.parked(waker, ROOM) == 1, "the waiter parked");
        long t0 = System.nanoTime();
        Reply pushed = Http.await(side.fire(waker, ROOM, text));
        Reply woken = Http.await(check);
        if (i >= 0) {
          delivery[i] = woken.arrived() - t0;
          push[i] = pushed.arrived() - t0;
          wrong += side.woke(woken, text) ? 0 : 1;
        }
      }
      waiter.close();
      waker.close();
      return new Samples(delivery, push, wrong);
    }
  }
}
