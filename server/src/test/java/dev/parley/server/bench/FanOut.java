package dev.parley.server.bench;

import dev.parley.server.bench.Http.Conn;
import dev.parley.server.bench.Http.Reply;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * Scenario {@code fanout}: N sessions parked in {@code check} and M observers on the room's {@code
 * /observe} socket; one push by another session. Each round times, from the push being sent, the
 * last check's answer and the last observer's frame of that message (over the observers that got
 * it; the others are counted as missed). The ceiling does the same with parked requests and one
 * wake, measured just before.
 */
public final class FanOut {
  private static final String ROOM = "fan";

  /** How long observers stay silent before a round counts them caught up. */
  private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /** How long a round waits for the observers' frames before it counts them missed. */
  private static final int FRAME_BOUND_S = 10;

  private FanOut() {}

  /** The times of one target's rounds, in nanoseconds. */
  private record Rounds(
      long[] lastCheck, long[] lastFrame, long[] push, int wrong, int missedFrames) {}

  /** Rounds measured even when they take longer than the budget. */
  private static final int MIN_ROUNDS = 3;

  static void run(Bench.Options o) throws Exception {
    System.out.printf(
        "%n### fanout: %d parked checks and %d observers in one room, one push (up to %d rounds, "
            + "none started after %d s unless fewer than %d ran, after %d warm-up round(s); times from the push being "
            + "sent)%n%n",
        o.fanoutChecks,
        o.fanoutObservers,
        o.fanoutRounds,
        o.fanoutSeconds,
        MIN_ROUNDS,
        o.fanoutWarmup);
    Rounds reference;
    try (Ceiling ceiling = new Ceiling(-1).start()) {
      reference = measure(new Parking.Bare("ceiling"), ceiling.uri(), o);
    }
    Rounds subject;
    try (Daemon d = Daemon.start(o.fanoutStore)) {
      subject = measure(new Parking.Parley(o.fanoutStore), d.uri(), o);
    }
    Stats.header(
        "target",
        "rounds",
        "last check p50 / p99 / max ms",
        "last observer frame p50 / p99 / max ms",
        "push answered p50 ms",
        "wrong answers",
        "missed frames");
    row("ceiling", reference);
    row("parley " + o.fanoutStore, subject);
    System.out.printf(
        "%nparley ÷ ceiling (p50): last check %s, last frame %s%n",
        Stats.x(Stats.ms(subject.lastCheck, 0.5), Stats.ms(reference.lastCheck, 0.5)),
        Stats.x(Stats.ms(subject.lastFrame, 0.5), Stats.ms(reference.lastFrame, 0.5)));
  }

  private static void row(String name, Rounds r) {
    Stats.row(
        name,
        r.lastCheck.length,
        three(r.lastCheck),
        three(r.lastFrame),
        Stats.f(Stats.ms(r.push, 0.5)),
        r.wrong,
        r.missedFrames);
  }

  static String three(long[] nanos) {
    return Stats.f(Stats.ms(nanos, 0.5))
        + " / "
        + Stats.f(Stats.ms(nanos, 0.99))
        + " / "
        + Stats.f(Stats.max(nanos));
  }

  private static Rounds measure(Parking side, URI uri, Bench.Options o) throws Exception {
    try (Http http = new Http(uri)) {
      long began = System.nanoTime();
      Conn waker = side.waker(http, ROOM);
      List<Conn> waiters = Stats.parallel(o.fanoutChecks, 16, i -> side.waiter(http, ROOM, i));
      Stats.parallel(
          waiters.size(),
          16,
          i -> {
            side.settle(waiters.get(i));
            return null;
          });
      WebSocketClient ws = new WebSocketClient(http.client());
      // A browser takes frames of any size; the welcome and participants frames of a room
      // with 1,000 sessions pass Jetty's default of 64 KiB.
      ws.setMaxTextMessageSize(64L * 1024 * 1024);
      ws.start();
      try {
        List<Watcher> observers = new ArrayList<>();
        URI observe =
            URI.create("ws://" + uri.getHost() + ":" + uri.getPort() + "/observe?room=" + ROOM);
        for (int i = 0; i < o.fanoutObservers; i++) {
          Watcher w = new Watcher(side);
          ws.connect(w, observe).get(30, TimeUnit.SECONDS);
          observers.add(w);
        }
        Bench.progress(
            "fanout, %s: %d waiters and %d observers ready in %.1f s",
            side.name(), waiters.size(), observers.size(), (System.nanoTime() - began) / 1e9);
        long[] lastCheck = new long[o.fanoutRounds];
        long[] lastFrame = new long[o.fanoutRounds];
        long[] push = new long[o.fanoutRounds];
        int wrong = 0;
        int missed = 0;
        int rounds = 0;
        long budgetEnds = Long.MAX_VALUE;
        for (int r = -o.fanoutWarmup; r < o.fanoutRounds; r++) {
          if (r == 0) {
            budgetEnds = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.fanoutSeconds);
          } else if (r >= MIN_ROUNDS && System.nanoTime() > budgetEnds) {
            break;
          }
          String text = "fan-out round " + r + " " + UUID.randomUUID();
          side.arm(waker, text);
          List<CompletableFuture<Reply>> checks = new ArrayList<>();
          for (Conn w : waiters) {
            checks.add(side.park(w, ROOM));
          }
          Bench.await(() -> side.parked(waker, ROOM) == waiters.size(), "all waiters parked");
          // Parking sends observers a few frames per check: let them catch up first, so that
          // the round measures the push alone (and a full outgoing queue drops nothing of it).
          Bench.await(() -> quiet(observers), "observers caught up");
          CountDownLatch frames = new CountDownLatch(observers.size());
          for (Watcher w : observers) {
            w.expect(text, frames);
          }
          long t0 = System.nanoTime();
          Reply pushed = Http.await(side.fire(waker, ROOM, text));
          long last = 0;
          int wrongNow = 0;
          for (CompletableFuture<Reply> c : checks) {
            Reply reply = Http.await(c);
            last = Math.max(last, reply.arrived());
            wrongNow += side.woke(reply, text) ? 0 : 1;
          }
          frames.await(FRAME_BOUND_S, TimeUnit.SECONDS);
          long lastSeen = 0;
          int missedNow = 0;
          for (Watcher w : observers) {
            long at = w.arrived;
            if (at == 0) {
              missedNow++;
            }
            lastSeen = Math.max(lastSeen, at);
          }
          Bench.progress(
              "fanout, %s: round %d, last check %.1f ms", side.name(), r, (last - t0) / 1e6);
          if (r >= 0) {
            lastCheck[r] = last - t0;
            lastFrame[r] = lastSeen == 0 ? 0 : lastSeen - t0;
            push[r] = pushed.arrived() - t0;
            wrong += wrongNow;
            missed += missedNow;
            rounds++;
          }
        }
        waiters.forEach(Conn::close);
        waker.close();
        return new Rounds(
            Arrays.copyOf(lastCheck, rounds),
            Arrays.copyOf(lastFrame, observers.isEmpty() ? 0 : rounds),
            Arrays.copyOf(push, rounds),
            wrong,
            missed);
      } finally {
        ws.stop();
      }
    }
  }

  private static boolean quiet(List<Watcher> observers) {
    long now = System.nanoTime();
    return observers.stream().allMatch(w -> now - w.lastFrame > QUIET_NANOS);
  }

  /** An observer: notes when the frame of the awaited message arrives. */
  public static final class Watcher implements Session.Listener.AutoDemanding {
    private final Parking side;
    private volatile String expected;
    private volatile CountDownLatch latch;
    volatile long arrived;
    volatile long lastFrame = System.nanoTime();

    Watcher(Parking side) {
      this.side = side;
    }

    void expect(String text, CountDownLatch frames) {
      arrived = 0;
      latch = frames;
      expected = text;
    }

    @Override
    public void onWebSocketText(String frame) {
      lastFrame = System.nanoTime();
      String text = expected;
      if (text != null && side.isWakeFrame(frame, text)) {
        arrived = System.nanoTime();
        expected = null;
        latch.countDown();
      }
    }

    @Override
    public void onWebSocketError(Throwable cause) {
      // A socket closed at the end of a run: nothing to measure any more.
    }
  }
}
