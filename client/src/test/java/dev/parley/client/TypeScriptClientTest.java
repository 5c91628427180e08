package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.parley.server.ServerLimits;
import dev.parley.server.testing.RunningServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TypeScript client (client/typescript) against real daemons: {@code npm test} there generates
 * the client from the spec, compiles it and runs its node tests (the seed 001 transcript, the
 * notices, lost answers and their txn_id retries, refused connections, a lost session, a rate
 * limit). The node tests play both participants themselves, so this test only starts the daemons
 * they need and holds the run to its result.
 */
class TypeScriptClientTest {
  /** Generating, compiling and the node tests (a few seconds each) together, with a margin. */
  private static final long RUN_TIMEOUT_S = 300;

  /** How many node tests there are: a run that passes fewer (a file not found) fails here. */
  private static final int NODE_TESTS = 18;

  @Test
  void theNodeTestsPassAgainstRealDaemons() throws Exception {
    try (RunningServer daemon = RunningServer.start();
        RunningServer other = RunningServer.start();
        // 5 calls a second, one at a time: the test's quick calls meet the limit.
        RunningServer slow = RunningServer.start(ServerLimits.defaults().withRate(5, 1))) {
      Path dir = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("typescript");
      Path output = Files.createTempFile("parley-typescript-", ".out");
      try {
        ProcessBuilder pb =
            new ProcessBuilder(npm(System.getenv("PATH")).toString(), "test")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        Map<String, String> env = pb.environment();
        // Only what the test sets counts: a developer's own PARLEY_* must not leak into the run.
        env.keySet().removeIf(k -> k.startsWith("PARLEY_"));
        env.put("PARLEY_URL", daemon.uri().toString());
        env.put("PARLEY_OTHER_URL", other.uri().toString());
        env.put("PARLEY_SLOW_URL", slow.uri().toString());
        Process process = pb.start();
        process.getOutputStream().close();
        if (!process.waitFor(RUN_TIMEOUT_S, TimeUnit.SECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
          fail("npm test did not end in " + RUN_TIMEOUT_S + " s; its output:\n" + read(output));
        }
        String out = read(output);
        if (process.exitValue() != 0) {
          fail(
              "npm test in "
                  + dir
                  + " ended with "
                  + process.exitValue()
                  + "; its output:\n"
                  + out);
        }
        assertThat(count(out, "pass")).as("node tests passed, in:\n" + out).isEqualTo(NODE_TESTS);
        assertThat(count(out, "fail")).as("node tests failed").isZero();
      } finally {
        Files.deleteIfExists(output);
      }
    }
  }

  @Test
  void withoutNpmThisTestFailsAndSaysWhatToInstall(@TempDir Path noNode) {
    assertThatThrownBy(() -> npm(noNode.toString()))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("npm was not found on PATH (" + noNode + ")")
        .hasMessageContaining("apt-get install nodejs npm");
  }

  /**
   * The {@code npm} on {@code path}; fails (never skips) with what to install when none is, since
   * the TypeScript client would otherwise go untested.
   */
  static Path npm(String path) {
    Optional<Path> found =
        path == null
            ? Optional.empty()
            : List.of(path.split(File.pathSeparator)).stream()
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, "npm"))
                .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
                .findFirst();
    if (found.isEmpty()) {
      throw new AssertionError(
          "npm was not found on PATH ("
              + path
              + "): the tests of the TypeScript client (client/typescript) need Node.js 20 or newer"
              + " with npm; install them, e.g. apt-get install nodejs npm");
    }
    return found.get();
  }

  /** The number in node's closing {@code # pass N} (or {@code # fail N}) line; -1 when none. */
  private static int count(String out, String what) {
    Matcher m = Pattern.compile("(?m)^# " + what + " (\\d+)$").matcher(out);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  private static String read(Path file) throws java.io.IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
