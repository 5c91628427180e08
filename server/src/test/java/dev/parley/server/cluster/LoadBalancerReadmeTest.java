package dev.parley.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.server.ServerConfig;
import dev.parley.server.protocol.ReadmeCurlWalkthroughTest;
import dev.parley.server.testing.RunningServer;
import dev.parley.server.testing.TestDatabase;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Running several daemons": its nginx configuration, as the README gives it (only the
 * ports changed to free ones), in front of two daemons on one database; the README's curl
 * walkthrough runs through it twice, and once more after the daemon serving the room stopped.
 */
class LoadBalancerReadmeTest {
  private static final Path README = Path.of("..", "README.md");
  private static final Path NGINX = Path.of("/usr/sbin/nginx");

  @RegisterExtension final TestDatabase postgres = new TestDatabase();
  @TempDir Path dir;

  @Test
  void theWalkthroughRunsThroughTheReadmesNginxInFrontOfTwoDaemons() throws Exception {
    if (!Files.isExecutable(NGINX)) {
      String why =
          "nginx is not installed (apt-get install nginx): the load balancer test needs it";
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException("CI: " + why);
      }
      System.err.println("*** SKIPPED: " + why + " ***");
      Assumptions.abort(why);
    }
    ServerConfig config = ServerConfig.ephemeral().withDatabase(postgres.database());
    try (RunningServer a = RunningServer.start(config);
        RunningServer b = RunningServer.start(config)) {
      int port = freePort();
      String upstreams =
          nginxBlock()
              .replace("127.0.0.1:8891", hostPort(a.uri()))
              .replace("127.0.0.1:8892", hostPort(b.uri()))
              .replace("listen 127.0.0.1:8890", "listen 127.0.0.1:" + port);
      assertThat(upstreams).doesNotContain("8890", "8891", "8892");
      Path conf = dir.resolve("nginx.conf");
      Files.writeString(
          conf,
          "worker_processes 1;\npid "
              + dir.resolve("nginx.pid")
              + ";\nerror_log "
              + dir.resolve("error.log")
              + ";\nevents { worker_connections 256; }\nhttp {\naccess_log off;\n"
              + "client_body_temp_path "
              + dir.resolve("body")
              + ";\nproxy_temp_path "
              + dir.resolve("proxy")
              + ";\n"
              + upstreams
              + "}\n",
          StandardCharsets.UTF_8);
      Process nginx =
          new ProcessBuilder(NGINX.toString(), "-c", conf.toString(), "-g", "daemon off;")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("nginx.out").toFile())
              .start();
      try {
        String script =
            ReadmeCurlWalkthroughTest.walkthrough()
                .replace("http://127.0.0.1:8890", "http://127.0.0.1:" + port);
        awaitListening(port);
        // The room is served by a, whichever daemon each call of the walkthrough reaches.
        a.login("carol", "release").call("logout");
        assertThat(bash(script)).as("first run").isZero();
        assertThat(bash(script)).as("second run").isZero();
        a.close();
        assertThat(bash(script)).as("after the room's daemon stopped").isZero();
      } finally {
        nginx.destroy();
        nginx.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** The README's nginx configuration block. */
  private static String nginxBlock() throws Exception {
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    int start = readme.indexOf("```nginx\n");
    assertThat(start).as("the README's nginx block").isPositive();
    start += "```nginx\n".length();
    return readme.substring(start, readme.indexOf("```", start));
  }

  private static String hostPort(URI uri) {
    return uri.getHost() + ":" + uri.getPort();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void awaitListening(int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (java.io.IOException notYet) {
        assertThat(System.nanoTime()).as("nginx listening").isLessThan(deadline);
        Thread.sleep(50);
      }
    }
  }

  private int bash(String script) throws Exception {
    Process p =
        new ProcessBuilder("bash", "-e", "-c", script)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("walk.out").toFile()))
            .start();
    p.getOutputStream().close();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    if (p.exitValue() != 0) {
      System.err.println(Files.readString(dir.resolve("walk.out")));
    }
    return p.exitValue();
  }
}
