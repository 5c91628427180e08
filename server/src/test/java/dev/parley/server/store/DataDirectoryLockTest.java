package dev.parley.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.server.ParleyServer;
import dev.parley.server.ServerConfig;
import dev.parley.server.cli.ExportCommand;
import dev.parley.server.testing.DaemonMain;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * One daemon per data directory: a second one, in this process or in another, refuses to start and
 * names the holder's pid; {@code parley export} still reads beside the running daemon, and the
 * directory is free again once the daemon stops.
 */
class DataDirectoryLockTest {
  private static final long PID = ProcessHandle.current().pid();

  @TempDir Path dataDir;

  private ServerConfig config() {
    return ServerConfig.ephemeral().withDataDir(dataDir);
  }

  @Test
  void aSecondDaemonInTheSameProcessIsRefused() throws Exception {
    try (RunningServer first = RunningServer.start(config())) {
      first.login("alice", "lobby");
      assertThatThrownBy(() -> new ParleyServer(config()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(dataDir.toRealPath().toString())
          .hasMessageContaining("pid " + PID)
          .hasMessageContaining("another --data-dir");
      // The refused one took nothing from the first.
      assertThat(first.login("bob", "lobby").call("participants").get("participants")).hasSize(2);
    }
    new ParleyServer(config()).close();
  }

  @Test
  void aSecondDaemonInAnotherProcessIsRefusedWithTheHoldersPid() throws Exception {
    try (RunningServer first = RunningServer.start(config())) {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process child =
          new ProcessBuilder(
                  java,
                  "--enable-native-access=ALL-UNNAMED",
                  "-cp",
                  System.getProperty("java.class.path"),
                  DaemonMain.class.getName(),
                  "--port",
                  "0",
                  "--data-dir",
                  dataDir.toString())
              .redirectErrorStream(true)
              .start();
      try {
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).as("the second daemon gives up").isTrue();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.exitValue()).as(output).isNotZero();
        assertThat(output).contains("in use by another Parley daemon (pid " + PID + ")");
      } finally {
        child.destroyForcibly();
      }
      assertThat(first.client().call("rooms")).isNotNull();
    }
  }

  @Test
  void exportReadsBesideTheRunningDaemon() throws Exception {
    try (RunningServer daemon = RunningServer.start(config())) {
      RpcClient carol = daemon.login("carol", "lobby");
      carol.call("append", Map.of("text", "hello from carol"));
      carol.call("push");

      StringWriter out = new StringWriter();
      int code =
          new CommandLine(new ExportCommand())
              .setOut(new PrintWriter(out))
              .execute("--room", "lobby", "--data-dir", dataDir.toString());
      assertThat(code).isZero();
      assertThat(out.toString()).contains("hello from carol");
    }
    assertThat(Files.readString(dataDir.resolve(DataDirectoryLock.FILE)).trim())
        .isEqualTo(Long.toString(PID));
  }
}
