package dev.parley.server.log;

import dev.parley.extension.events.RoomEvent;
import dev.parley.extension.events.RoomEventListener;
import dev.parley.server.MemoryLimits;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every room's stream, messages and actions, to {@code <dir>/<room>.jsonl}, off the request
 * path: events become lines on the publishing thread and a thread of its own writes them, flushing
 * whenever it has caught up, so that a crash of the process loses at most what was queued (the
 * lines are not fsynced: the database is what survives a power cut). The queue is bounded in bytes;
 * when the disk cannot keep up, lines are dropped and a warning says how many. A failing disk is
 * logged, never turned into a failed call: the database is the truth, this is its transcript. A
 * room deleted for retention takes its file with it: the transcript is no longer than what is kept,
 * and a later room of the same name starts a file of its own.
 */
public final class ConversationLog implements RoomEventListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConversationLog.class);

  /** Log files kept open at once; the least recently written is closed beyond this. */
  static final int OPEN_FILES = 64;

  private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private record Line(String room, byte[] bytes) {}

  private static final Line END = new Line(null, new byte[0]);

  /** The bytes of a line that deletes its room's file instead of writing to it. */
  private static final byte[] DELETE = new byte[0];

  private final Path dir;
  private final long queueBytes;
  private final LinkedBlockingQueue<Line> queue = new LinkedBlockingQueue<>();
  private final AtomicLong queued = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private volatile long lastWarning = System.nanoTime() - WARN_EVERY_NANOS;
  private volatile boolean closed;

  /** Open files by room, least recently written first; used by the writing thread only. */
  private final Map<String, OutputStream> files =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, OutputStream> eldest) {
          if (size() <= OPEN_FILES) {
            return false;
          }
          closeQuietly(eldest.getValue());
          return true;
        }
      };

  private final Thread writer;
  private boolean warnedDisk;

  /**
   * Logs into {@code dir}, created when needed, queueing the default bytes of {@link MemoryLimits}.
   */
  public ConversationLog(Path dir) {
    this(dir, MemoryLimits.defaults().logQueueBytes());
  }

  /** Logs into {@code dir}, created when needed, queueing at most {@code queueBytes} of lines. */
  public ConversationLog(Path dir, long queueBytes) {
    this.dir = dir;
    this.queueBytes = queueBytes;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the log directory " + dir, e);
    }
    this.writer = Thread.ofPlatform().name("parley-log").daemon().start(this::writeLoop);
  }

  /** The log file of {@code room}. */
  public static Path file(Path dir, String room) {
    return dir.resolve(room + ".jsonl");
  }

  /** Lines dropped so far because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  /** Bytes of lines waiting for the disk. */
  public long queuedBytes() {
    return queued.get();
  }

  @Override
  public void on(RoomEvent event) {
    if (event instanceof RoomEvent.RoomDeleted) {
      // A deleted room's log goes with it, in order after its last line.
      enqueue(new Line(event.room(), DELETE));
      return;
    }
    var line =
        switch (event) {
          case RoomEvent.MessageAppended m -> LogLines.message(m.message());
          case RoomEvent.ActionStarted a ->
              LogLines.toolCall(a.room(), a.user(), a.method(), a.arguments(), a.at());
          case RoomEvent.ActionEnded a ->
              LogLines.toolResponse(a.room(), a.user(), a.method(), a.result(), a.error(), a.at());
          case RoomEvent.NoteAdded n ->
              LogLines.note(n.room(), n.user(), n.kind(), n.content(), n.at());
          case RoomEvent.PresenceChanged p -> null;
          case RoomEvent.SessionEnded e -> null;
          case RoomEvent.RoomDeleted d -> null;
        };
    if (line != null) {
      // getBytes never fails: a lone surrogate becomes '?', and the next line is unaffected.
      enqueue(
          new Line(event.room(), (LogLines.text(line) + "\n").getBytes(StandardCharsets.UTF_8)));
    }
  }

  private void enqueue(Line line) {
    if (closed) {
      return;
    }
    if (queued.addAndGet(line.bytes.length) > queueBytes) {
      queued.addAndGet(-line.bytes.length);
      long lost = dropped.incrementAndGet();
      long now = System.nanoTime();
      if (now - lastWarning >= WARN_EVERY_NANOS) {
        lastWarning = now;
        LOG.warn(
            "The conversation logs in {} fall behind: {} MiB are waiting for the disk; {} line{} dropped so far",
            dir,
            queueBytes >> 20,
            lost,
            lost == 1 ? "" : "s");
      }
      return;
    }
    queue.add(line);
  }

  private void writeLoop() {
    try {
      while (true) {
        Line line = queue.take();
        if (line == END) {
          break;
        }
        write(line);
        queued.addAndGet(-line.bytes.length);
        if (queue.isEmpty()) {
          flushAll();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      flushAll();
      files.values().forEach(ConversationLog::closeQuietly);
      files.clear();
    }
  }

  private void write(Line line) {
    if (line.bytes == DELETE) {
      delete(line.room);
      return;
    }
    try {
      OutputStream out = files.get(line.room);
      if (out == null) {
        out =
            new BufferedOutputStream(
                Files.newOutputStream(
                    file(dir, line.room), StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                64 * 1024);
        files.put(line.room, out);
      }
      out.write(line.bytes);
    } catch (IOException e) {
      diskFailed(line.room, e);
      OutputStream broken = files.remove(line.room);
      if (broken != null) {
        closeQuietly(broken);
      }
    }
  }

  private void delete(String room) {
    OutputStream open = files.remove(room);
    if (open != null) {
      closeQuietly(open);
    }
    try {
      Files.deleteIfExists(file(dir, room));
    } catch (IOException e) {
      LOG.warn(
          "Cannot delete the conversation log of deleted room {} in {}: {}",
          room,
          dir,
          e.getMessage());
    }
  }

  private void flushAll() {
    for (Map.Entry<String, OutputStream> e : files.entrySet()) {
      try {
        e.getValue().flush();
      } catch (IOException ex) {
        diskFailed(e.getKey(), ex);
      }
    }
  }

  private void diskFailed(String room, IOException e) {
    if (!warnedDisk) {
      warnedDisk = true;
      LOG.warn("Cannot write the conversation log of room {} in {}: {}", room, dir, e.getMessage());
    }
  }

  /** Writes what is queued, then closes the files. */
  @Override
  public void close() {
    closed = true;
    queue.add(END);
    try {
      writer.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(OutputStream out) {
    try {
      out.close();
    } catch (IOException e) {
      LOG.warn("Closing a conversation log failed: {}", e.getMessage());
    }
  }
}
