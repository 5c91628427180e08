package dev.parley.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stdio bridge process ({@code parley mcp}) driven line by line, below any MCP client: any
 * bytes in, each line out parsed. Every wait is bounded; closing kills what is left.
 */
final class RawStdio implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final OutputStream in;
  private final BlockingQueue<JsonNode> out = new LinkedBlockingQueue<>();
  private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
  private final CountDownLatch errorsEnded = new CountDownLatch(1);

  private RawStdio(List<String> command) throws IOException {
    process = new ProcessBuilder(command).start();
    in = process.getOutputStream();
    Thread.ofVirtual().start(() -> {
      try (BufferedReader reader = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          out.add(JSON.readTree(line));
        }
      } catch (IOException e) {
        // The process ended: nothing more to read.
      }
    });
    Thread.ofVirtual().start(() -> {
      try (BufferedReader reader = new BufferedReader(
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

  /** A bridge to {@code daemon}, as the tests start {@code parley mcp}. */
  static RawStdio start(URI daemon) throws IOException {
    return new RawStdio(McpAgent.bridgeCommand(daemon));
  }

  /** A bridge process started with {@code command}. */
  static RawStdio start(List<String> command) throws IOException {
    return new RawStdio(command);
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

  /** Whether the process ended by itself within 20 s, with status 0. */
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

  /** The lines of standard output read and not taken yet. */
  List<JsonNode> drain() {
    List<JsonNode> rest = new ArrayList<>();
    out.drainTo(rest);
    return rest;
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
