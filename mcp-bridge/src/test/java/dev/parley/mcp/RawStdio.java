package dev.parley.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.mcp.stdio.StdioBridge;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A stdio bridge driven line by line, below any MCP client: any bytes in, each line out parsed.
 * Every wait is bounded; closing ends what is left.
 *
 * <p>{@link #start(URI)} runs {@link StdioBridge} in this JVM on a pair of pipes, which is what the
 * bridge's line handling needs and costs no JVM start. {@link #start(List)} runs a real {@code
 * parley mcp} process, for what only a process shows (its standard error, its exit).
 */
abstract class RawStdio implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OutputStream in;
  private final BlockingQueue<JsonNode> out = new LinkedBlockingQueue<>();

  private RawStdio(OutputStream in, InputStream output) {
    this.in = in;
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                  out.add(JSON.readTree(line));
                }
              } catch (IOException e) {
                // The bridge ended: nothing more to read.
              }
            });
  }

  /** A bridge to {@code daemon} in this JVM, with the default options. */
  static RawStdio start(URI daemon) throws IOException {
    return new InProcess(BridgeOptions.of(daemon));
  }

  /** A bridge process started with {@code command}. */
  static Child start(List<String> command) throws IOException {
    return new Child(new ProcessBuilder(command).start());
  }

  /** Writes {@code text} and a newline. */
  RawStdio line(String text) {
    return write((text + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** Writes raw bytes. */
  RawStdio write(byte[] bytes) {
    try {
      in.write(bytes);
      in.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** The next line of output, within 30 s. */
  JsonNode next() throws InterruptedException {
    JsonNode message = out.poll(30, TimeUnit.SECONDS);
    assertThat(message).as("an answer within 30 s").isNotNull();
    return message;
  }

  /** Starts the session: initialize (answered), then the initialized notification. */
  JsonNode initialize(String protocolVersion) throws InterruptedException {
    line(RawMcpHttp.initializeRequest(1, protocolVersion, "raw-stdio-test"));
    JsonNode answer = next();
    assertThat(answer.path("id").asInt()).as(answer.toString()).isEqualTo(1);
    line("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    return answer;
  }

  /** Closes standard input. */
  void closeInput() {
    try {
      in.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the bridge ended by itself within 20 s, without failing. */
  abstract boolean endsByItself() throws InterruptedException;

  /** The lines of standard output read and not taken yet. */
  List<JsonNode> drain() {
    List<JsonNode> rest = new ArrayList<>();
    out.drainTo(rest);
    return rest;
  }

  /** {@link StdioBridge#run(BridgeOptions, InputStream, PrintStream)} on a thread of this JVM. */
  private static final class InProcess extends RawStdio {
    private final Thread bridge;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private InProcess(Pipe input, Pipe output, BridgeOptions options) {
      super(Channels.newOutputStream(input.sink()), Channels.newInputStream(output.source()));
      InputStream bridgeIn = Channels.newInputStream(input.source());
      PrintStream bridgeOut =
          new PrintStream(Channels.newOutputStream(output.sink()), false, StandardCharsets.UTF_8);
      bridge =
          Thread.ofVirtual()
              .name("stdio-bridge-under-test")
              .start(
                  () -> {
                    try (bridgeIn;
                        bridgeOut) {
                      StdioBridge.run(options, bridgeIn, bridgeOut);
                    } catch (Throwable t) {
                      failure.set(t);
                    }
                  });
    }

    InProcess(BridgeOptions options) throws IOException {
      this(Pipe.open(), Pipe.open(), options);
    }

    @Override
    boolean endsByItself() throws InterruptedException {
      return bridge.join(Duration.ofSeconds(20)) && failure.get() == null;
    }

    @Override
    public void close() throws InterruptedException {
      closeInput();
      assertThat(bridge.join(Duration.ofSeconds(20))).as("the bridge ended").isTrue();
    }
  }

  /** A real {@code parley mcp} process. */
  static final class Child extends RawStdio {
    private final Process process;
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch errorsEnded = new CountDownLatch(1);

    private Child(Process process) {
      super(process.getOutputStream(), process.getInputStream());
      this.process = process;
      Thread.ofVirtual()
          .start(
              () -> {
                try (BufferedReader reader =
                    new BufferedReader(
                        new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                  for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    errors.add(line);
                  }
                } catch (IOException e) {
                  // The process ended: nothing more to read.
                } finally {
                  errorsEnded.countDown();
                }
              });
    }

    @Override
    boolean endsByItself() throws InterruptedException {
      return process.waitFor(20, TimeUnit.SECONDS) && process.exitValue() == 0;
    }

    /** All the process wrote to standard error, once it has ended (within 10 s). */
    List<String> errorLinesAtEnd() throws InterruptedException {
      assertThat(errorsEnded.await(10, TimeUnit.SECONDS)).as("standard error ended").isTrue();
      synchronized (errors) {
        return List.copyOf(errors);
      }
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }
}
