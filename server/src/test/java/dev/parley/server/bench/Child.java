package dev.parley.server.bench;

import dev.parley.server.testing.DaemonMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server in a child JVM, so that its heap can be read alone: {@code parley serve} (through {@link
 * DaemonMain}, with the limits of {@link Daemon#limits()}) or the {@link Ceiling}.
 */
final class Child implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");
  private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total[^\\n]*?used (\\d+)K");

  private final Process process;
  private final URI uri;
  private final Path dir;

  private Child(List<String> mainAndArgs, Path dir) throws Exception {
    this.dir = dir;
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                // The daemon's own logging configuration: its "listening" line is needed.
                "-Dlogback.configurationFile=logback.xml",
                "-cp",
                System.getProperty("java.class.path")));
    command.addAll(mainAndArgs);
    process = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<URI> listening = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                // Read to the end, so that the child never blocks on a full pipe; show its
                // warnings.
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    listening.complete(URI.create(m.group(1)));
                  } else if (line.contains("WARN")
                      || line.contains("ERROR")
                      || line.contains("Exception")) {
                    System.err.println("[child] " + line);
                  }
                }
                listening.completeExceptionally(
                    new IllegalStateException("the child exited before listening"));
              } catch (IOException e) {
                listening.completeExceptionally(e);
              }
            });
    uri = listening.get(2, TimeUnit.MINUTES);
  }

  /** {@code parley serve} on a free port, in memory or on SQLite in a fresh directory. */
  static Child parley(String store) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                DaemonMain.class.getName(),
                "--port",
                "0",
                "--rate",
                Integer.toString(Daemon.limits().ratePerSecond()),
                "--door-rate",
                Integer.toString(Daemon.limits().doorRatePerSecond()),
                "--max-agent-run",
                Integer.toString(Daemon.ROOMS.maxAgentRun())));
    Path dir = null;
    switch (store) {
      case "memory" -> args.add("--in-memory");
      case "sqlite" -> {
        dir = Files.createTempDirectory("parley-bench-");
        args.addAll(List.of("--data-dir", dir.toString()));
      }
      default ->
          throw new IllegalArgumentException("unknown store " + store + " (memory or sqlite)");
    }
    return new Child(args, dir);
  }

  /** The bare Jetty reference, with Jetty's default header cache or {@code headerCache}. */
  static Child ceiling(int headerCache) throws Exception {
    return new Child(
        List.of(Ceiling.class.getName(), "--header-cache", Integer.toString(headerCache)), null);
  }

  URI uri() {
    return uri;
  }

  /** The heap after a full GC, and the resident set, in MiB. */
  record Memory(double heapMiB, double rssMiB) {}

  /** Runs a full GC in the child, then reads its heap ({@code jcmd}) and its resident set. */
  Memory memory() throws Exception {
    jcmd("GC.run");
    String info = jcmd("GC.heap_info");
    Matcher m = HEAP_USED.matcher(info);
    if (!m.find()) {
      throw new IllegalStateException("no heap use in jcmd's answer:\n" + info);
    }
    double rss = 0;
    for (String line :
        Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
      }
    }
    return new Memory(Long.parseLong(m.group(1)) / 1024.0, rss);
  }

  private String jcmd(String command) throws Exception {
    Process jcmd =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(process.pid()),
                command)
            .redirectErrorStream(true)
            .start();
    String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!jcmd.waitFor(2, TimeUnit.MINUTES) || jcmd.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + command + " failed:\n" + out);
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    Daemon.delete(dir);
  }
}
