package dev.parley.server.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.IntFunction;

/** Percentiles, number formats and bounded parallel setup, shared by the scenarios. */
final class Stats {
  private Stats() {}

  /** The {@code q} quantile (nearest rank) of durations in nanoseconds, in milliseconds. */
  static double ms(long[] nanos, double q) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1e6;
  }

  static double max(long[] nanos) {
    return nanos.length == 0 ? Double.NaN : Arrays.stream(nanos).max().getAsLong() / 1e6;
  }

  /** A number for a table: 3 significant digits, no exponent. */
  static String f(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    double a = Math.abs(v);
    String pattern = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f";
    return String.format(Locale.ROOT, pattern, v);
  }

  /** A ratio for a table. */
  static String x(double subject, double reference) {
    if (Double.isNaN(subject) || Double.isNaN(reference)) {
      return "–";
    }
    return String.format(Locale.ROOT, "%.2f", subject / reference);
  }

  /**
   * Runs {@code n} tasks, at most {@code concurrency} at a time, and returns their results in
   * order.
   */
  static <T> List<T> parallel(int n, int concurrency, IntFunction<T> task) throws Exception {
    Semaphore slots = new Semaphore(concurrency);
    List<Future<T>> futures = new ArrayList<>(n);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < n; i++) {
        int index = i;
        slots.acquire();
        futures.add(
            pool.submit(
                () -> {
                  try {
                    return task.apply(index);
                  } finally {
                    slots.release();
                  }
                }));
      }
    }
    List<T> results = new ArrayList<>(n);
    for (Future<T> f : futures) {
      results.add(f.get());
    }
    return results;
  }

  /** Prints a Markdown table header. */
  static void header(String... columns) {
    System.out.println("| " + String.join(" | ", columns) + " |");
    System.out.println("|" + "---|".repeat(columns.length));
  }

  /** Prints a Markdown table row. */
  static void row(Object... cells) {
    StringBuilder b = new StringBuilder("|");
    for (Object c : cells) {
      b.append(' ').append(c).append(" |");
    }
    System.out.println(b);
    System.out.flush();
  }
}
