package dev.parley.viewer.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replay timing with a clock the test controls: no real sleeping. */
class LogReplayTest {
  @TempDir Path dir;

  private final List<Duration> waits = new ArrayList<>();
  private final List<String> played = new ArrayList<>();
  private final Sleeper clock = waits::add;

  private Path log(String... lines) throws Exception {
    Path file = dir.resolve("chat.jsonl");
    Files.write(file, List.of(lines));
    return file;
  }

  private static String line(String timestamp, String user, String content) {
    return "{\"timestamp\": \""
        + timestamp
        + "\", \"user\": \""
        + user
        + "\", \"content\": \""
        + content
        + "\"}";
  }

  @Test
  void gapsAreScaledFlooredAndCapped() throws Exception {
    Path file =
        log(
            line("2024-01-15T10:30:00.000", "a", "one"),
            line("2024-01-15T10:30:02.000", "b", "two"), // 2 s gap
            line("2024-01-15T10:30:02.050", "a", "three"), // 50 ms gap: floored
            line("2024-01-15T10:45:00.000", "b", "four"), // 15 min gap: capped
            line("2024-01-15T10:45:00.000Z", "a", "five")); // same instant, with a zone
    int n = new LogReplay(file, 1.5, clock, l -> played.add(l.get("content").asText())).playOnce();
    assertThat(n).isEqualTo(5);
    assertThat(played).containsExactly("one", "two", "three", "four", "five");
    assertThat(waits)
        .containsExactly(
            Duration.ofSeconds(3),
            Duration.ofMillis(100),
            Duration.ofSeconds(10),
            Duration.ofMillis(100));
  }

  @Test
  void malformedLinesAreSkippedAndNeverStopPlayback() throws Exception {
    Path file =
        log(
            line("2024-01-15T10:30:00Z", "a", "one"),
            "this is not json",
            "[1, 2, 3]",
            "{\"timestamp\": \"2024-01-15T10:30:01Z\", \"content\": \"no user\"}",
            "",
            "{\"user\": \"a\", \"content\": \"no timestamp\"}",
            line("2024-01-15T10:30:04Z", "b", "two"));
    int n = new LogReplay(file, 1.0, clock, l -> played.add(l.get("content").asText())).playOnce();
    assertThat(n).isEqualTo(3);
    assertThat(played).containsExactly("one", "no timestamp", "two");
    // The line without a timestamp waits the shortest delay; the next is timed from "one".
    assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofSeconds(4));
  }

  @Test
  void theSlowdownCanChangeDuringPlayback() throws Exception {
    Path file =
        log(
            line("2024-01-15T10:30:00Z", "a", "one"),
            line("2024-01-15T10:30:02Z", "a", "two"),
            line("2024-01-15T10:30:04Z", "a", "three"));
    LogReplay[] replay = new LogReplay[1];
    replay[0] =
        new LogReplay(
            file,
            1.0,
            clock,
            l -> {
              if (l.get("content").asText().equals("two")) {
                replay[0].slowdown(0.25);
              }
            });
    replay[0].playOnce();
    assertThat(waits).containsExactly(Duration.ofSeconds(2), Duration.ofMillis(500));
  }

  @Test
  void theServerLoopsWithAPauseBetweenLoops() throws Exception {
    Path file =
        log(line("2024-01-15T10:30:00Z", "a", "one"), line("2024-01-15T10:30:01Z", "b", "two"));
    int[] loops = {0};
    Sleeper stopAfterTwoLoops =
        d -> {
          waits.add(d);
          if (d.equals(Duration.ofSeconds(3)) && ++loops[0] == 2) {
            Thread.currentThread().interrupt();
          }
        };
    try (ReplayServer server =
        new ReplayServer("127.0.0.1", 0, file, 1.0, stopAfterTwoLoops).start()) {
      server.play(true, Duration.ofSeconds(3));
      // The interrupt that ended the loop: cleared before the server stops.
      assertThat(Thread.interrupted()).isTrue();
    }
    assertThat(waits)
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(3),
            Duration.ofSeconds(1),
            Duration.ofSeconds(3));
  }
}
