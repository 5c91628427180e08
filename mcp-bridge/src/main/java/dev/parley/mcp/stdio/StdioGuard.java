package dev.parley.mcp.stdio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.mcp.guard.Incident;
import dev.parley.mcp.guard.JsonRpc;
import dev.parley.mcp.guard.MessageGuard;
import dev.parley.mcp.guard.MessageGuard.Drop;
import dev.parley.mcp.guard.MessageGuard.Kind;
import dev.parley.mcp.guard.MessageGuard.Pass;
import dev.parley.mcp.guard.MessageGuard.Refuse;
import dev.parley.mcp.guard.ServerRequests;
import dev.parley.spec.Json;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Standard input and output between an MCP client and the SDK's stdio transport. It reads the
 * client's lines itself, on its own thread, and hands the transport only messages that passed the
 * {@link MessageGuard}: the transport stops reading for good at the first line it cannot read (and
 * the process then never ends) and answers none. Every other line is answered here with a JSON-RPC
 * error (a line that is not JSON with {@code -32700}, id {@code null}). Requests before the
 * initialization is complete are answered here too: the SDK would hold them until {@code
 * notifications/initialized}, for ever if it never comes.
 *
 * <p>When the input ends, the transport is told only once every request handed on has been answered
 * (or given up on): it stops writing the moment it sees the end of its input, so a client that
 * sends its last request and closes the pipe ({@code echo … | parley mcp}) would otherwise lose the
 * answer. Then {@link #awaitEnd()} returns, whatever the transport does.
 */
public final class StdioGuard {
  private static final Logger LOG = LoggerFactory.getLogger(StdioGuard.class);
  private static final ObjectMapper JSON = Json.mapper();

  /** How much read input may wait for the transport, in bytes. */
  private static final int QUEUED_BYTES = 4 * MessageGuard.MAX_MESSAGE_BYTES;

  /** Where the lifecycle of the one session of standard input is. */
  private enum State {
    NEW,
    INITIALIZING,
    READY
  }

  private final Duration longestAnswer;
  private final ServerRequests serverRequests = new ServerRequests();
  private final MessageGuard guard = new MessageGuard(serverRequests);
  private final Set<String> unanswered = new HashSet<>();
  private final CountDownLatch ended = new CountDownLatch(1);
  private final Feed feed = new Feed();
  private WatchedOutput output;

  /** Read and written by the reader thread only. */
  private State state = State.NEW;

  /**
   * @param longestAnswer how long, at most, to wait for answers once the input has ended
   */
  public StdioGuard(Duration longestAnswer) {
    this.longestAnswer = longestAnswer;
  }

  /** The input to give the transport: the checked messages, one a line. */
  public InputStream input() {
    return feed;
  }

  /** The output to give the transport: {@code out}, shared with the answers given here. */
  public OutputStream output(OutputStream out) {
    output = new WatchedOutput(out);
    return output;
  }

  /** Starts reading {@code in} (after {@link #output}), until it ends. */
  public void start(InputStream in) {
    if (output == null) {
      throw new IllegalStateException("output(...) comes first");
    }
    Thread.ofPlatform().daemon().name("parley-mcp-stdin").start(() -> readAll(in));
  }

  /** Waits until the input has ended and every request has been answered (or given up on). */
  public void awaitEnd() throws InterruptedException {
    ended.await();
  }

  private void readAll(InputStream in) {
    try (in) {
      LineReader lines = new LineReader(in, MessageGuard.MAX_MESSAGE_BYTES);
      for (byte[] line = lines.next(); line != null; line = lines.next()) {
        if (line == LineReader.TOO_LONG) {
          answer(
              JsonRpc.error(
                  null,
                  JsonRpc.INVALID_REQUEST,
                  "Invalid Request: a message is at most "
                      + MessageGuard.MAX_MESSAGE_BYTES
                      + " bytes"));
        } else if (!blank(line)) {
          take(line);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.debug("Standard input failed: {}", e.toString());
    } finally {
      awaitAnswers();
      feed.end();
      ended.countDown();
    }
  }

  private void take(byte[] line) throws InterruptedException {
    try {
      switch (guard.check(line, null)) {
        case Refuse refused -> {
          if (refused.answerable()) {
            answer(refused.error());
          }
        }
        case Drop dropped -> LOG.debug("Notification taken and dropped: {}", dropped.method());
        case Pass passed -> pass(passed);
      }
    } catch (RuntimeException e) {
      String incident = Incident.log(LOG, "A line of standard input could not be checked", e);
      answer(
          JsonRpc.error(
              null, JsonRpc.INTERNAL_ERROR, Incident.message(incident, "the bridge's log")));
    }
  }

  private void pass(Pass message) throws InterruptedException {
    if (message.kind() == Kind.REQUEST) {
      if (message.isInitialize()) {
        state = State.INITIALIZING;
      } else if (state != State.READY) {
        answer(
            McpSchema.METHOD_PING.equals(message.method())
                ? JsonRpc.emptyResult(message.id())
                : JsonRpc.error(
                    message.id(),
                    JsonRpc.INVALID_REQUEST,
                    "Invalid Request: the session is not initialized:"
                        + " send `initialize`, then the `notifications/initialized` notification, then `"
                        + message.method()
                        + "` again"));
        return;
      }
      synchronized (unanswered) {
        unanswered.add(message.id().toString());
      }
    } else if (message.kind() == Kind.NOTIFICATION
        && MessageGuard.INITIALIZED.equals(message.method())) {
      if (state == State.NEW) {
        // Before initialize there is no client to start a session for.
        LOG.debug("notifications/initialized before initialize: dropped");
        return;
      }
      state = State.READY;
    }
    feed.put(message.canonical());
  }

  /** Writes an answer given here, between the transport's lines, past the watch for answers. */
  private void answer(ObjectNode response) {
    try {
      output.writeOwn(MessageGuard.bytes(response));
    } catch (IOException e) {
      LOG.debug("An answer could not be written: {}", e.toString());
    }
  }

  private void awaitAnswers() {
    long deadline = System.nanoTime() + longestAnswer.toNanos();
    synchronized (unanswered) {
      while (!unanswered.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          LOG.warn("Input ended; giving up on {} unanswered request(s)", unanswered.size());
          return;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(unanswered, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private static boolean blank(byte[] line) {
    for (byte b : line) {
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  /** What the transport writes, watched for its answers and its own requests. */
  private final class WatchedOutput extends FilterOutputStream {
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    WatchedOutput(OutputStream out) {
      super(out);
    }

    @Override
    public synchronized void write(int b) throws IOException {
      out.write(b);
      watch(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
      out.write(bytes, offset, length);
      watch(bytes, offset, length);
    }

    @Override
    public synchronized void flush() throws IOException {
      out.flush();
    }

    /** One whole line of ours; the transport writes its lines holding this same lock. */
    void writeOwn(byte[] message) throws IOException {
      synchronized (this) {
        out.write(message);
        out.write('\n');
        out.flush();
      }
    }

    private void watch(byte[] bytes, int offset, int length) {
      for (int i = offset; i < offset + length; i++) {
        if (bytes[i] == '\n') {
          written(line.toByteArray());
          line.reset();
        } else {
          line.write(bytes[i]);
        }
      }
    }

    private void written(byte[] bytes) {
      JsonNode message;
      try {
        message = JSON.readTree(bytes);
      } catch (IOException e) {
        return;
      }
      if (message == null || !message.hasNonNull("id")) {
        return;
      }
      if (message.has("method")) {
        serverRequests.sent(null, message.get("id"));
      } else {
        synchronized (unanswered) {
          unanswered.remove(message.get("id").toString());
          unanswered.notifyAll();
        }
      }
    }
  }

  /** The transport's input: checked lines, bounded in bytes, then the end. */
  private static final class Feed extends InputStream {
    private final ArrayDeque<byte[]> lines = new ArrayDeque<>();
    private int queued;
    private boolean ended;
    private byte[] current = new byte[0];
    private int position;

    synchronized void put(byte[] message) throws InterruptedException {
      byte[] line = new byte[message.length + 1];
      System.arraycopy(message, 0, line, 0, message.length);
      line[message.length] = '\n';
      while (!lines.isEmpty() && queued + line.length > QUEUED_BYTES) {
        wait();
      }
      lines.add(line);
      queued += line.length;
      notifyAll();
    }

    synchronized void end() {
      ended = true;
      notifyAll();
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] buffer, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      while (position == current.length) {
        if (!lines.isEmpty()) {
          current = lines.poll();
          position = 0;
          queued -= current.length;
          notifyAll();
        } else if (ended) {
          return -1;
        } else {
          try {
            wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for input");
          }
        }
      }
      int n = Math.min(length, current.length - position);
      System.arraycopy(current, position, buffer, offset, n);
      position += n;
      return n;
    }
  }

  /** Cuts input into lines of at most {@code max} bytes; a longer line is skipped to its end. */
  static final class LineReader {
    /** Stands for a line that was too long. */
    static final byte[] TOO_LONG = new byte[0];

    private final InputStream in;
    private final int max;
    private final byte[] chunk = new byte[8192];
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private int start;
    private int end;

    LineReader(InputStream in, int max) {
      this.in = in;
      this.max = max;
    }

    /** The next line without its end, {@link #TOO_LONG}, or {@code null} at the end of input. */
    byte[] next() throws IOException {
      line.reset();
      boolean started = false;
      boolean overflow = false;
      while (true) {
        if (start == end) {
          int n = in.read(chunk);
          if (n < 0) {
            return started ? finish(overflow) : null;
          }
          start = 0;
          end = n;
        }
        started = true;
        int newline = start;
        while (newline < end && chunk[newline] != '\n') {
          newline++;
        }
        if (!overflow && line.size() + (newline - start) > max) {
          overflow = true;
          line.reset();
        }
        if (!overflow) {
          line.write(chunk, start, newline - start);
        }
        if (newline < end) {
          start = newline + 1;
          return finish(overflow);
        }
        start = end;
      }
    }

    private byte[] finish(boolean overflow) {
      if (overflow) {
        return TOO_LONG;
      }
      byte[] bytes = line.toByteArray();
      int length = bytes.length;
      if (length > 0 && bytes[length - 1] == '\r') {
        length--;
      }
      return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
    }
  }
}
