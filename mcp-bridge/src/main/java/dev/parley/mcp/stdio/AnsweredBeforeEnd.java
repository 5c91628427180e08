package dev.parley.mcp.stdio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Standard input and output for the SDK's stdio transport such that the end of input reaches the
 * transport only once every request read has been answered. The transport stops writing the
 * moment it sees the end of its input, so a client that sends its last request and closes its
 * end of the pipe (a script, {@code echo … | parley mcp}) would otherwise lose the answer, and a
 * process that never ends would be left behind. It watches the newline-delimited JSON-RPC
 * messages going by (it frames nothing itself): ids of requests read, ids of responses written.
 */
public final class AnsweredBeforeEnd {
  private static final Logger LOG = LoggerFactory.getLogger(AnsweredBeforeEnd.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Duration longestAnswer;
  private final Set<String> unanswered = new HashSet<>();
  private final CountDownLatch ended = new CountDownLatch(1);

  /** @param longestAnswer how long, at most, to wait for answers once the input has ended */
  public AnsweredBeforeEnd(Duration longestAnswer) {
    this.longestAnswer = longestAnswer;
  }

  /** The input to give the transport: {@code in}, whose end waits for the answers. */
  public InputStream input(InputStream in) {
    return new FilterInputStream(in) {
      private final Lines lines = new Lines(AnsweredBeforeEnd.this::read);

      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
          return end();
        }
        lines.accept(new byte[] {(byte) b}, 0, 1);
        return b;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n < 0) {
          return end();
        }
        lines.accept(buffer, offset, n);
        return n;
      }
    };
  }

  /** The output to give the transport: {@code out}, watched for answers. */
  public OutputStream output(OutputStream out) {
    return new FilterOutputStream(out) {
      private final Lines lines = new Lines(AnsweredBeforeEnd.this::written);

      @Override
      public void write(int b) throws IOException {
        out.write(b);
        lines.accept(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] buffer, int offset, int length) throws IOException {
        out.write(buffer, offset, length);
        lines.accept(buffer, offset, length);
      }
    };
  }

  /** Waits until the input has ended and every request has been answered (or given up on). */
  public void awaitEnd() throws InterruptedException {
    ended.await();
  }

  /** Whether the input has ended and the transport was told. */
  public boolean hasEnded() {
    return ended.getCount() == 0;
  }

  private int end() {
    long deadline = System.nanoTime() + longestAnswer.toNanos();
    synchronized (unanswered) {
      while (!unanswered.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          LOG.warn("Input ended; giving up on {} unanswered request(s)", unanswered.size());
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(unanswered, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    ended.countDown();
    return -1;
  }

  private void read(JsonNode message) {
    // A request is a message with a method and an id; a notification has no id.
    if (message.hasNonNull("method") && message.hasNonNull("id")) {
      synchronized (unanswered) {
        unanswered.add(message.get("id").toString());
      }
    }
  }

  private void written(JsonNode message) {
    if (!message.has("method") && message.hasNonNull("id")) {
      synchronized (unanswered) {
        unanswered.remove(message.get("id").toString());
        unanswered.notifyAll();
      }
    }
  }

  /** Cuts a byte stream into lines and hands each JSON message (or each of a batch) on. */
  private static final class Lines {
    private final java.util.function.Consumer<JsonNode> sink;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    Lines(java.util.function.Consumer<JsonNode> sink) {
      this.sink = sink;
    }

    synchronized void accept(byte[] bytes, int offset, int length) {
      for (int i = offset; i < offset + length; i++) {
        if (bytes[i] == '\n') {
          parse(line.toByteArray());
          line.reset();
        } else {
          line.write(bytes[i]);
        }
      }
    }

    private void parse(byte[] bytes) {
      if (bytes.length == 0) {
        return;
      }
      try {
        JsonNode message = JSON.readTree(bytes);
        if (message != null && message.isArray()) {
          message.forEach(sink);
        } else if (message != null && message.isObject()) {
          sink.accept(message);
        }
      } catch (IOException e) {
        // Not JSON: the transport answers it (or not) as it sees fit; nothing to wait for.
        LOG.debug("Not a JSON-RPC line: {}", e.getMessage());
      }
    }
  }
}
