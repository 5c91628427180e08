package dev.parley.server.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.server.log.ConversationLog;
import dev.parley.server.room.CommitObserver;
import dev.parley.server.room.RoomEngine;
import dev.parley.server.rpc.CallObserver;
import dev.parley.spec.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The daemon's metrics, in one Micrometer registry: calls by method and outcome with their latency,
 * commit batches, gauges read from the engine and the conversation log when scraped, and the meters
 * the daemon's extensions register (such as the viewer's observers). {@link #scrape()} writes them
 * as Prometheus text, {@link #stats()} as a short JSON summary.
 */
public final class ServerMetrics implements CallObserver, CommitObserver {
  /** The outcome label of a call answered with a result. */
  public static final String OK = "ok";

  /** The viewer's gauge of connected observers, which /stats reports too. */
  private static final String OBSERVERS = "parley.observers";

  private static final ObjectMapper MAPPER = Json.mapper();

  /**
   * Call latency buckets: from a quick append to a check's long poll, which may wait minutes. Fixed
   * buckets keep each method to a few series, and the same ones on every daemon.
   */
  private static final Duration[] CALL_BUCKETS =
      durations(
          0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000,
          120_000, 300_000);

  /** Commit latency buckets: one store transaction and its fsync. */
  private static final Duration[] COMMIT_BUCKETS =
      durations(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1_000);

  /** Calls per batch buckets. */
  private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

  /** The percentiles /stats reports. */
  private static final double[] PERCENTILES = {0.5, 0.95, 0.99};

  private final PrometheusMeterRegistry registry;
  private final Map<String, MethodMeters> methods = new ConcurrentHashMap<>();
  private final DistributionSummary batchCalls;
  private final Counter batchWrites;
  private final Timer commitLatency;
  private final RoomEngine engine;
  private final ConversationLog log;

  /**
   * Registers the gauges and the commit meters, and hears the engine's commits.
   *
   * @param registry the daemon's registry, which its extensions register their meters on too
   * @param engine the room engine
   * @param log the conversation log, or null when there is none (a daemon in memory)
   */
  public ServerMetrics(PrometheusMeterRegistry registry, RoomEngine engine, ConversationLog log) {
    this.registry = registry;
    this.engine = engine;
    this.log = log;
    Gauge.builder("parley.sessions", engine, RoomEngine::sessionCount)
        .strongReference(true)
        .description("Live sessions")
        .register(registry);
    Gauge.builder("parley.rooms", engine, RoomEngine::roomCount)
        .strongReference(true)
        .description("Rooms")
        .register(registry);
    Gauge.builder("parley.checks.pending", engine, RoomEngine::pendingChecks)
        .strongReference(true)
        .description("Checks waiting for a message")
        .register(registry);
    if (log != null) {
      Gauge.builder("parley.log.queue", log, ConversationLog::queuedBytes)
          .strongReference(true)
          .baseUnit("bytes")
          .description("Conversation log lines waiting for the disk")
          .register(registry);
      FunctionCounter.builder("parley.log.dropped.lines", log, ConversationLog::dropped)
          .description("Conversation log lines dropped because the queue was full")
          .register(registry);
    }
    batchCalls =
        DistributionSummary.builder("parley.commit.batch.calls")
            .serviceLevelObjectives(BATCH_BUCKETS)
            .description("Calls per committed batch (its count is the batches committed)")
            .register(registry);
    batchWrites =
        Counter.builder("parley.commit.writes")
            .description("Writes stored, after coalescing")
            .register(registry);
    commitLatency =
        Timer.builder("parley.commit.latency")
            .serviceLevelObjectives(COMMIT_BUCKETS)
            .description("Time to commit one batch")
            .register(registry);
    engine.observeCommits(this);
  }

  @Override
  public void called(String method, Integer error, long nanos) {
    MethodMeters meters = methods.computeIfAbsent(method, this::meters);
    meters.latency.record(nanos, TimeUnit.NANOSECONDS);
    if (error == null) {
      meters.ok.increment();
    } else {
      meters
          .errors
          .computeIfAbsent(error, code -> calls(method, Integer.toString(code)))
          .increment();
    }
  }

  @Override
  public void committed(int calls, int writes, long nanos) {
    batchCalls.record(calls);
    batchWrites.increment(writes);
    commitLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Every metric in the Prometheus text format. */
  public byte[] scrape() {
    return registry.scrape().getBytes(StandardCharsets.UTF_8);
  }

  /** The same at a glance, as JSON: counts, and latency percentiles as bucket bounds. */
  public byte[] stats() {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("sessions", engine.sessionCount());
    body.put("rooms", engine.roomCount());
    body.put("pending_checks", engine.pendingChecks());
    // The viewer, when the daemon has it, registers this gauge; without it nobody observes.
    Gauge observers = registry.find(OBSERVERS).gauge();
    body.put("observers", observers == null ? 0 : (long) observers.value());
    ObjectNode callsNode = body.putObject("calls");
    new TreeMap<>(methods)
        .forEach(
            (method, meters) -> {
              ObjectNode m = callsNode.putObject(method);
              m.put("count", meters.latency.count());
              m.put("ok", (long) meters.ok.count());
              ObjectNode errors = m.putObject("errors");
              new TreeMap<>(meters.errors)
                  .forEach((code, counter) -> errors.put(code.toString(), (long) counter.count()));
              latency(m.putObject("latency_ms"), meters.latency);
            });
    ObjectNode commits = body.putObject("commits");
    commits.put("batches", batchCalls.count());
    commits.put("calls", (long) batchCalls.totalAmount());
    commits.put("writes", (long) batchWrites.count());
    commits.put("calls_per_batch_mean", batchCalls.count() == 0 ? 0 : batchCalls.mean());
    latency(commits.putObject("latency_ms"), commitLatency);
    if (log != null) {
      ObjectNode logNode = body.putObject("log");
      logNode.put("queued_bytes", log.queuedBytes());
      logNode.put("dropped_lines", log.dropped());
    }
    try {
      return MAPPER.writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The mean and, for each percentile, the bound of the first bucket holding that share of the
   * timings (null past the last bucket): the buckets are all the registry keeps of them.
   */
  private static void latency(ObjectNode out, Timer timer) {
    HistogramSnapshot snapshot = timer.takeSnapshot();
    out.put("mean", snapshot.count() == 0 ? 0 : snapshot.mean(TimeUnit.MILLISECONDS));
    for (double p : PERCENTILES) {
      String name = "p" + Math.round(p * 100);
      if (snapshot.count() == 0) {
        out.put(name, 0);
        continue;
      }
      out.putNull(name);
      for (CountAtBucket bucket : snapshot.histogramCounts()) {
        if (bucket.count() >= p * snapshot.count()) {
          out.put(name, bucket.bucket(TimeUnit.MILLISECONDS));
          break;
        }
      }
    }
  }

  private MethodMeters meters(String method) {
    Timer latency =
        Timer.builder("parley.call.latency")
            .tag("method", method)
            .serviceLevelObjectives(CALL_BUCKETS)
            .description("Time to answer a call, a check's wait included")
            .register(registry);
    return new MethodMeters(latency, calls(method, OK), new ConcurrentHashMap<>());
  }

  private Counter calls(String method, String outcome) {
    return Counter.builder("parley.calls")
        .tag("method", method)
        .tag("outcome", outcome)
        .description("Calls answered, by method and outcome (ok or the JSON-RPC error code)")
        .register(registry);
  }

  private record MethodMeters(Timer latency, Counter ok, Map<Integer, Counter> errors) {}

  private static Duration[] durations(double... millis) {
    Duration[] out = new Duration[millis.length];
    for (int i = 0; i < millis.length; i++) {
      out[i] = Duration.ofNanos(Math.round(millis[i] * 1_000_000));
    }
    return out;
  }
}
