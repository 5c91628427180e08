package dev.parley.server.bench;

import dev.parley.server.testing.DaemonMain;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What idle agents cost the daemon's heap: a daemon in a child JVM ({@code parley serve} on SQLite
 * in a fresh directory, or in memory), then N sessions, each on its own kept-alive connection, that
 * make three calls ({@code login}, {@code participants}, {@code preview}) and stay connected.
 * Reports the daemon's heap after a full GC (by {@code jcmd}) before and after. The daemon is a
 * child so that the client's sockets take neither its heap nor its file descriptors.
 *
 * <p>Run: {@code ./mvnw -B -q -Pidle-memory -pl server -am verify -DskipTests}; arguments through
 * {@code -Didle-memory.args="--sessions 10000 --store sqlite"}.
 */
public final class IdleSessionsMemory {
  private static final Pattern LISTENING =
      Pattern.compile("Parley listening on http://[^:]+:(\\d+)");
  private static final Pattern USED = Pattern.compile("used (\\d+)K");
  private static final int CLIENT_THREADS = 8;
  private static final int PER_ROOM = 100;

  private IdleSessionsMemory() {}

  /**
   * Runs the harness.
   *
   * @param args {@code --sessions 10000 --store sqlite|memory}
   */
  public static void main(String[] args) throws Exception {
    int sessions = 10_000;
    String store = "sqlite";
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--sessions" -> sessions = Integer.parseInt(args[i + 1]);
        case "--store" -> store = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path dir = Files.createTempDirectory("parley-bench-");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command =
        new ArrayList<>(
            List.of(
                java.toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Dlogback.configurationFile=logback.xml",
                "-cp",
                System.getProperty("java.class.path"),
                DaemonMain.class.getName(),
                "--port",
                "0",
                "--rate",
                "0",
                "--door-rate",
                "0",
                // Nothing may close the idle connections while the others are set up and measured.
                "--idle-timeout-ms",
                "3600000",
                "--max-connections",
                Integer.toString(sessions + 100)));
    command.addAll(
        store.equals("memory") ? List.of("--in-memory") : List.of("--data-dir", dir.toString()));
    Process daemon = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<Socket> held = new ArrayList<>();
    try {
      int port = listening(daemon).get(2, TimeUnit.MINUTES);
      long before = heapAfterGc(daemon.pid());
      long start = System.nanoTime();
      held.addAll(connect(port, sessions));
      double seconds = (System.nanoTime() - start) / 1e9;
      long after = heapAfterGc(daemon.pid());
      System.out.printf(
          Locale.ROOT,
          "| store | sessions | heap before (MB) | heap after (MB) | per session (KB) |"
              + " setup s |%n|---|---|---|---|---|---|%n| %s | %d | %.1f | %.1f | %.1f | %.0f |%n",
          store,
          held.size(),
          before / 1024.0,
          after / 1024.0,
          (after - before) / (double) held.size(),
          seconds);
    } finally {
      for (Socket s : held) {
        s.close();
      }
      daemon.destroy();
      daemon.waitFor(1, TimeUnit.MINUTES);
      try (var paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static CompletableFuture<Integer> listening(Process daemon) {
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                  }
                }
              } catch (IOException e) {
                port.completeExceptionally(e);
              }
            });
    return port;
  }

  /** The daemon's used heap in KiB after a full collection. */
  private static long heapAfterGc(long pid) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    run(jcmd.toString(), Long.toString(pid), "GC.run");
    String info = run(jcmd.toString(), Long.toString(pid), "GC.heap_info");
    Matcher m = USED.matcher(info);
    if (!m.find()) {
      throw new IllegalStateException("no heap usage in: " + info);
    }
    return Long.parseLong(m.group(1));
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(1, TimeUnit.MINUTES);
    return out;
  }

  private static List<Socket> connect(int port, int sessions) throws Exception {
    List<Socket> sockets = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(CLIENT_THREADS)) {
      List<Future<Socket>> opened = new ArrayList<>();
      for (int i = 0; i < sessions; i++) {
        int n = i;
        opened.add(pool.submit(() -> session(port, n)));
      }
      for (Future<Socket> f : opened) {
        sockets.add(f.get());
      }
    }
    return sockets;
  }

  /** One session on its own connection: three calls, then the connection is kept open. */
  private static Socket session(int port, int n) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(60_000);
    String login =
        call(
            socket,
            null,
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"login\",\"params\":"
                + "{\"username\":\"u"
                + n
                + "\",\"room\":\"r"
                + n / PER_ROOM
                + "\"}}");
    int at = login.indexOf("\"session\":\"") + 11;
    String token = login.substring(at, login.indexOf('"', at));
    call(socket, token, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"participants\"}");
    call(socket, token, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"preview\"}");
    return socket;
  }

  private static String call(Socket socket, String token, String body) throws IOException {
    byte[] content = body.getBytes(StandardCharsets.UTF_8);
    String head =
        "POST /rpc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nUser-Agent: bench\r\n"
            + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
            + "Content-Length: "
            + content.length
            + "\r\n\r\n";
    OutputStream out = socket.getOutputStream();
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(content);
    out.flush();
    InputStream in = socket.getInputStream();
    StringBuilder headers = new StringBuilder();
    while (headers.length() < 4 || !headers.substring(headers.length() - 4).equals("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("the daemon closed the connection");
      }
      headers.append((char) c);
    }
    String lower = headers.toString().toLowerCase(Locale.ROOT);
    if (!lower.startsWith("http/1.1 200")) {
      throw new IOException("unexpected answer: " + headers);
    }
    int at = lower.indexOf("content-length:") + 15;
    int length = Integer.parseInt(lower.substring(at, lower.indexOf("\r\n", at)).trim());
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
