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
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every room's stream, messages and actions, to {@code <dir>/<room>.jsonl}, a line at a
 * time and flushed, so that a crash of the process loses at most the line being written (the
 * lines are not fsynced: the database is what survives a power cut). A failing disk is
 * logged, never turned into a failed call: the database is the truth, this is its transcript.
 */
public final class ConversationLog implements RoomListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConversationLog.class);

  /** Log files kept open at once; the least recently written is closed beyond this. */
  static final int OPEN_FILES = 64;

  private final Path dir;
  /** Open files by room, least recently written first; guarded by itself. */
  private final Map<String, Writer> writers = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Writer> eldest) {
      if (size() <= OPEN_FILES) {
        return false;
      }
      closeQuietly(eldest.getValue());
      return true;
    }
  };
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
      // One line at a time for all rooms: each is a short buffered write, and one lock keeps
      // the set of open files (one per recently active room, not one per room ever) simple.
      synchronized (writers) {
        Writer w = writers.computeIfAbsent(room, this::open);
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
    synchronized (writers) {
      writers.values().forEach(ConversationLog::closeQuietly);
      writers.clear();
    }
  }

  private static void closeQuietly(Writer w) {
    try {
      w.close();
    } catch (IOException e) {
      LOG.warn("Closing a conversation log failed: {}", e.getMessage());
    }
  }
}
