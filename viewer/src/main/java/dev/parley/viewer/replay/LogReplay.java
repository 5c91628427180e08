package dev.parley.viewer.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.spec.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays a JSONL conversation log back with its original timing: each line waits the gap to the line
 * before it times the slowdown, at least 0.1 s and at most 10 s. Reads plain tagged logs ({@code
 * timestamp}, {@code user}, {@code content}) and the daemon's own. A line that is not JSON, or has
 * no timestamp to time it by, never stops playback: the first is skipped with a warning, the second
 * waits the shortest delay.
 */
public final class LogReplay {
  /** The shortest wait between two lines. */
  public static final Duration MIN_DELAY = Duration.ofMillis(100);

  /** The longest wait between two lines. */
  public static final Duration MAX_DELAY = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(LogReplay.class);
  private static final ObjectMapper JSON = Json.mapper();

  private final Path file;
  private final Sleeper sleeper;
  private final Consumer<JsonNode> sink;
  private volatile double slowdown;

  /**
   * @param file the JSONL log
   * @param slowdown the factor applied to every gap (2 plays at half speed)
   * @param sleeper how to wait
   * @param sink receives each line, in order, at its time
   */
  public LogReplay(Path file, double slowdown, Sleeper sleeper, Consumer<JsonNode> sink) {
    this.file = file;
    this.sleeper = sleeper;
    this.sink = sink;
    slowdown(slowdown);
  }

  /** Changes the slowdown for the lines still to come. */
  public void slowdown(double factor) {
    if (!(factor > 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("the slowdown must be a positive number, not " + factor);
    }
    this.slowdown = factor;
  }

  /** The current slowdown. */
  public double slowdown() {
    return slowdown;
  }

  /**
   * Plays the log once.
   *
   * @return the lines played
   */
  public int playOnce() throws IOException, InterruptedException {
    int played = 0;
    int number = 0;
    Instant previous = null;
    boolean first = true;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String text = in.readLine(); text != null; text = in.readLine()) {
        number++;
        if (text.isBlank()) {
          continue;
        }
        JsonNode line;
        try {
          line = JSON.readTree(text);
        } catch (JsonProcessingException e) {
          LOG.warn("{}:{}: skipped, not JSON: {}", file, number, e.getOriginalMessage());
          continue;
        }
        if (line == null
            || !line.isObject()
            || !line.path("user").isTextual()
            || !line.path("content").isTextual()) {
          LOG.warn("{}:{}: skipped, not an object with a user and a content", file, number);
          continue;
        }
        Instant at = timestamp(line);
        if (!first) {
          sleeper.sleep(delay(previous, at, slowdown));
        }
        first = false;
        if (at != null) {
          previous = at;
        }
        sink.accept(line);
        played++;
      }
    }
    return played;
  }

  /** The wait before a line: its gap to the previous one, scaled, floored and capped. */
  static Duration delay(Instant previous, Instant current, double slowdown) {
    if (previous == null || current == null) {
      return MIN_DELAY;
    }
    double nanos = Duration.between(previous, current).toNanos() * slowdown;
    Duration scaled = Duration.ofNanos((long) Math.max(0, Math.min(nanos, MAX_DELAY.toNanos())));
    return scaled.compareTo(MIN_DELAY) < 0 ? MIN_DELAY : scaled;
  }

  /**
   * A line's timestamp: ISO-8601 with an offset, or without one (taken as UTC); null if absent or
   * unreadable.
   */
  static Instant timestamp(JsonNode line) {
    String text = line.path("timestamp").asText(null);
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException withoutOffset) {
      try {
        return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException unreadable) {
        return null;
      }
    }
  }
}
