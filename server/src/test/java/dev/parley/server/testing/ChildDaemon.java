package dev.parley.server.testing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code parley serve} in a child JVM on a free port, for tests that kill a daemon outright
 * (SIGKILL) and look at what it left behind.
 *
 * @param process the child
 * @param uri where it listens
 */
public record ChildDaemon(Process process, URI uri) {
  private static final Pattern LISTENING = Pattern.compile("Parley listening on (http://\\S+)");

  /**
   * Starts the child with {@code args} (after {@code --port 0}) and {@code environment} added to
   * this process's, and waits until it listens.
   */
  public static ChildDaemon start(List<String> args, Map<String, String> environment)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // The daemon's own logging configuration, not the tests': its "listening" line is needed.
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-Dlogback.configurationFile=logback.xml",
                "-cp",
                System.getProperty("java.class.path"),
                DaemonMain.class.getName(),
                "--port",
                "0"));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process child = builder.start();
    CompletableFuture<URI> listening = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                // Read to the end, so that the child never blocks on a full pipe.
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    listening.complete(URI.create(m.group(1)));
                  }
                }
                listening.completeExceptionally(
                    new IllegalStateException("the child exited before listening"));
              } catch (java.io.IOException e) {
                listening.completeExceptionally(e);
              }
            });
    try {
      return new ChildDaemon(child, listening.get(2, TimeUnit.MINUTES));
    } catch (Exception e) {
      child.destroyForcibly();
      throw e;
    }
  }

  /** Kills the child with SIGKILL and waits until it is gone; returns its exit status. */
  public int kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(1, TimeUnit.MINUTES);
    return process.exitValue();
  }
}
