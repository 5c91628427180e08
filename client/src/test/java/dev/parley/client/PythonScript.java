package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test script of {@code client/src/test/python} running as a child {@code python3}, with {@code
 * client/python} (parley_chat.py) on its {@code PYTHONPATH} as the README says to use it. The test
 * and the script take turns through lines: the script prints {@code @name} marks between its calls
 * and waits for a line the test writes to its standard input. Every wait is bounded, so a script
 * that hangs or dies fails the test with its standard error.
 */
final class PythonScript implements AutoCloseable {
  private static final long LINE_TIMEOUT_S = 60;

  /** Stands for the end of the script's output in the line queue. */
  private static final String EOF = new String("<end of output>");

  private final Process process;
  private final Path stderr;
  private final Writer stdin;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private PythonScript(Process process, Path stderr) {
    this.process = process;
    this.stderr = stderr;
    this.stdin = process.outputWriter(StandardCharsets.UTF_8);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out = process.inputReader(StandardCharsets.UTF_8)) {
                for (String line; (line = out.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // The process is gone: EOF below says so.
              } finally {
                lines.add(EOF);
              }
            },
            "python-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Runs {@code script} (a file of client/src/test/python) as PARLEY_USER {@code user} against
   * {@code server}, with {@code env} on top.
   */
  static PythonScript run(String script, URI server, String user, Map<String, String> env)
      throws IOException {
    Path python = python3(System.getenv("PATH"));
    Path base = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
    Path file = base.resolve("src/test/python").resolve(script);
    Path stderr = Files.createTempFile("parley-python-", ".stderr");
    ProcessBuilder pb =
        new ProcessBuilder(python.toString(), "-u", file.toString()).redirectError(stderr.toFile());
    Map<String, String> e = pb.environment();
    // Only what the test sets counts: a developer's own PARLEY_* must not leak into the run.
    e.keySet().removeIf(k -> k.startsWith("PARLEY_"));
    e.put("PYTHONPATH", base.resolve("python").toString());
    e.put("PYTHONIOENCODING", "utf-8");
    e.put("PYTHONDONTWRITEBYTECODE", "1"); // no __pycache__ in the source tree
    e.put("PARLEY_URL", server.toString());
    e.put("PARLEY_USER", user);
    e.putAll(env);
    return new PythonScript(pb.start(), stderr);
  }

  /**
   * The {@code python3} on {@code path}; fails (never skips) with what to install when none is,
   * since the Python client would otherwise go untested.
   */
  static Path python3(String path) {
    Optional<Path> found =
        path == null
            ? Optional.empty()
            : List.of(path.split(java.io.File.pathSeparator)).stream()
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, "python3"))
                .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
                .findFirst();
    if (found.isEmpty()) {
      throw new AssertionError(
          "python3 was not found on PATH ("
              + path
              + "): the tests of the Python client "
              + "(client/python/parley_chat.py) need Python 3.8 or newer; install it, e.g. apt-get install python3");
    }
    return found.get();
  }

  /** The script's next output line. */
  String next() throws Exception {
    String line = lines.poll(LINE_TIMEOUT_S, TimeUnit.SECONDS);
    if (line == null) {
      fail("python printed nothing for " + LINE_TIMEOUT_S + " s" + stderrText());
    }
    if (line == EOF) {
      lines.add(EOF);
      fail("python ended early" + exitText());
    }
    return line;
  }

  /** The lines the script printed before its mark {@code @name}. */
  List<String> until(String name) throws Exception {
    List<String> printed = new ArrayList<>();
    for (String line = next(); !line.equals("@" + name); line = next()) {
      printed.add(line);
    }
    return printed;
  }

  /** Lets the script go on past its {@code wait(name)}. */
  void send(String name) throws IOException {
    stdin.write(name + "\n");
    stdin.flush();
  }

  /** Waits for the script to end and fails unless it ended well, after all its output was read. */
  void finished() throws Exception {
    stdin.close();
    if (!process.waitFor(LINE_TIMEOUT_S, TimeUnit.SECONDS)) {
      fail("python did not end" + stderrText());
    }
    String rest = lines.poll(LINE_TIMEOUT_S, TimeUnit.SECONDS);
    if (process.exitValue() != 0 || rest != EOF) {
      fail(
          "python ended with "
              + process.exitValue()
              + (rest == EOF ? "" : " after printing " + rest)
              + stderrText());
    }
  }

  /** Waits for the script to fail and returns its standard error; fails if it ended well. */
  String failure() throws Exception {
    stdin.close();
    if (!process.waitFor(LINE_TIMEOUT_S, TimeUnit.SECONDS)) {
      fail("python did not end" + stderrText());
    }
    assertThat(process.exitValue()).as("python's exit code").isNotZero();
    return Files.readString(stderr);
  }

  private String exitText() throws Exception {
    process.waitFor(LINE_TIMEOUT_S, TimeUnit.SECONDS);
    return (process.isAlive() ? "" : " with " + process.exitValue()) + stderrText();
  }

  private String stderrText() {
    try {
      String text = Files.readString(stderr);
      return text.isBlank() ? "" : "; its standard error:\n" + text;
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() throws IOException {
    process.destroyForcibly();
    Files.deleteIfExists(stderr);
  }
}
