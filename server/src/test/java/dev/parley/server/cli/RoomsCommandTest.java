package dev.parley.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.server.ParleyServer;
import dev.parley.server.ServerConfig;
import dev.parley.server.log.ConversationLog;
import dev.parley.server.store.DataDirectoryLock;
import dev.parley.server.store.SqliteStore;
import dev.parley.server.testing.DaemonMain;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code parley rooms list} and {@code parley rooms delete} on a real data directory. */
class RoomsCommandTest {
  @TempDir Path dataDir;

  private record Run(int code, String out, String err) {}

  private Run rooms(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        new CommandLine(new RoomsCommand())
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private Path log(String room) {
    return ConversationLog.file(dataDir.resolve(ParleyServer.LOGS), room);
  }

  /** Two rooms with a message each, written by a daemon that has stopped again. */
  private void twoRooms() throws Exception {
    try (RunningServer daemon =
        RunningServer.start(ServerConfig.ephemeral().withDataDir(dataDir))) {
      for (String room : new String[] {"keep", "gone"}) {
        RpcClient ada = daemon.login("ada", room);
        ada.call("append", Map.of("text", "words in " + room));
        ada.call("push");
        ada.call("logout");
      }
    }
  }

  @Test
  void listShowsTheRoomsAndDeleteTakesOneWithItsMessagesAndLog() throws Exception {
    twoRooms();
    assertThat(log("gone")).exists();

    Run list = rooms("list", "--data-dir", dataDir.toString());
    assertThat(list.code()).isZero();
    assertThat(list.out().lines()).hasSize(2);
    assertThat(list.out().lines().toList().get(0))
        .startsWith("keep\topen\t3 messages\t0 sessions\t");
    assertThat(list.out().lines().toList().get(1))
        .startsWith("gone\topen\t3 messages\t0 sessions\t");

    Run delete = rooms("delete", "gone", "--data-dir", dataDir.toString());
    assertThat(delete.code()).as(delete.err()).isZero();
    assertThat(delete.out()).contains("Deleted room gone (3 messages)");
    assertThat(log("gone")).doesNotExist();
    assertThat(log("keep")).exists();
    assertThat(rooms("list", "--data-dir", dataDir.toString()).out().lines())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("keep\t");

    // The daemon starts on what is left; the name is free for a new room.
    try (RunningServer daemon =
        RunningServer.start(ServerConfig.ephemeral().withDataDir(dataDir))) {
      assertThat(daemon.client().call("rooms").get("rooms").findValuesAsText("room"))
          .containsExactly("keep");
      assertThat(
              daemon
                  .client()
                  .call("login", Map.of("username", "bob", "room", "gone"))
                  .get("messages"))
          .isEmpty();
    }
  }

  @Test
  void anUnknownRoomIsOneClearLineAndExitCodeOne() throws Exception {
    twoRooms();
    Run delete = rooms("delete", "nowhere", "--data-dir", dataDir.toString());
    assertThat(delete.code()).isEqualTo(1);
    assertThat(delete.err().lines())
        .containsExactly("parley rooms delete: no room nowhere in " + dataDir.toAbsolutePath());
    Run empty = rooms("delete", "gone", "--data-dir", dataDir.resolve("elsewhere").toString());
    assertThat(empty.code()).isEqualTo(1);
    assertThat(empty.err()).contains("no Parley database in");
    assertThat(dataDir.resolve("elsewhere")).doesNotExist();
  }

  @Test
  void deleteRefusesWhileADaemonRunsNamingItsPidAndChangesNothing() throws Exception {
    twoRooms();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process daemon =
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
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      String pid = Long.toString(daemon.pid());
      await()
          .atMost(Duration.ofMinutes(1))
          .until(
              () -> Files.readString(dataDir.resolve(DataDirectoryLock.FILE)).trim().equals(pid));

      Run refused = rooms("delete", "gone", "--data-dir", dataDir.toString());
      assertThat(refused.code()).isEqualTo(1);
      assertThat(refused.err().lines())
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .contains("(pid " + pid + ")")
          .contains("stop the daemon first")
          .contains("nothing was changed");
      assertThat(log("gone")).exists();
      // Listing only reads: it works beside the daemon.
      assertThat(rooms("list", "--data-dir", dataDir.toString()).out().lines()).hasSize(2);
    } finally {
      daemon.destroy();
      assertThat(daemon.waitFor(1, TimeUnit.MINUTES)).isTrue();
    }
    try (SqliteStore store = SqliteStore.openReadOnly(dataDir)) {
      assertThat(store.lastSeq("gone")).isEqualTo(3);
    }
    assertThat(rooms("delete", "gone", "--data-dir", dataDir.toString()).code()).isZero();
  }
}
