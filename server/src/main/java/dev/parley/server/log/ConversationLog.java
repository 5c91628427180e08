package dev.parley.server.log;

import dev.parley.api.Message;
import dev.parley.api.NoteKind;
import dev.parley.server.room.RoomListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every room's stream, messages and actions, to {@code <dir>/<room>.jsonl}, a line at a
 * time and flushed, so that a crash loses at most the line being written. A failing disk is
 * logged, never turned into a failed call: the database is the truth, this is its transcript.
 */
public final class ConversationLog implements RoomListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConversationLog.class);

  private final Path dir;
  private final Map<String, Writer> writers = new ConcurrentHashMap<>();
  private volatile boolean warned;

  /** Logs into {@code dir}, created when needed. */
  public ConversationLog(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the log directory " + dir, e);
    }
  }

  /** The log file of {@code room}. */
  public static Path file(Path dir, String room) {
    return dir.resolve(room + ".jsonl");
  }

  @Override
  public void message(Message message) {
    write(message.room(), LogLines.text(LogLines.message(message)));
  }

  @Override
  public void action(String room, String username, String method, Map<String, Object> arguments, Instant at) {
    write(room, LogLines.text(LogLines.toolCall(room, username, method, arguments, at)));
  }

  @Override
  public void outcome(String room, String username, String method, Object outcome, Instant at) {
    write(room, LogLines.text(LogLines.toolResponse(room, username, method, outcome, at)));
  }

  @Override
  public void note(String room, String username, NoteKind kind, String content, Instant at) {
    write(room, LogLines.text(LogLines.note(room, username, kind, content, at)));
  }

  private void write(String room, String line) {
    try {
      Writer w = writers.computeIfAbsent(room, this::open);
      synchronized (w) {
        w.write(line);
        w.write('\n');
        w.flush();
      }
    } catch (IOException | UncheckedIOException e) {
      if (!warned) {
        warned = true;
        LOG.warn("Cannot write the conversation log of room {} in {}: {}", room, dir, e.getMessage());
      }
    }
  }

  private Writer open(String room) {
    try {
      return Files.newBufferedWriter(file(dir, room), StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    for (Writer w : writers.values()) {
      try {
        w.close();
      } catch (IOException e) {
        LOG.warn("Closing a conversation log failed: {}", e.getMessage());
      }
    }
    writers.clear();
  }
}
