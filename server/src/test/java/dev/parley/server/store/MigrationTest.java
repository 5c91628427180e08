package dev.parley.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.api.FloorPolicy;
import dev.parley.server.ServerConfig;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data directory made by the first schema version opens in this one, its data intact. */
class MigrationTest {
  @TempDir Path dataDir;

  @Test
  void aVersionOneDatabaseIsMigratedAndServed() throws Exception {
    String url = "jdbc:sqlite:" + dataDir.resolve(SqliteStore.DATABASE);
    Flyway.configure()
        .dataSource(url, null, null)
        .locations("classpath:db/migration")
        .target("1")
        .load()
        .migrate();
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO rooms (name, floor) VALUES ('old-room', 'stick')");
      s.executeUpdate(
          "INSERT INTO messages (room, seq, sender, actor, kind, content, timestamp, mentions) VALUES "
              + "('old-room', 1, 'system', 'ada', 'system', 'ada has joined', '2025-01-02T03:04:05.006Z', '[]'), "
              + "('old-room', 2, 'ada', 'ada', 'chat', 'hello from v1, @bob', '2025-01-02T03:04:06.007Z', '[\"bob\"]')");
    }

    try (SqliteStore store = SqliteStore.open(dataDir)) {
      assertThat(store.rooms())
          .containsExactly(
              new RoomRecord(
                  "old-room", FloorPolicy.STICK, null, null, RoomRecord.LEGACY, RoomControls.NONE));
      assertThat(store.lastSeq("old-room")).isEqualTo(2);
      assertThat(store.after("old-room", 1, 10).get(0).message().mentions()).containsExactly("bob");
      assertThat(store.sessions()).isEmpty();
    }

    try (RunningServer server =
        RunningServer.start(ServerConfig.ephemeral().withDataDir(dataDir))) {
      RpcClient bob = server.login("bob", "old-room");
      assertThat(RpcClient.chatLines(bob.call("history")))
          .containsExactly("ada: hello from v1, @bob");
      assertThat(bob.call("talking_stick").get("granted").asBoolean()).isTrue();
      bob.call("append", Map.of("text", "hello from v2"));
      assertThat(bob.call("push").get("message_id").asText()).isEqualTo("msg-5");
    }
  }

  @Test
  void aVersionTwoDatabaseGetsItsSystemEventsAndPushReplaysTyped() throws Exception {
    String url = "jdbc:sqlite:" + dataDir.resolve(SqliteStore.DATABASE);
    Flyway.configure()
        .dataSource(url, null, null)
        .locations("classpath:db/migration")
        .target("2")
        .load()
        .migrate();
    String[] system = {
      "Bobby Tables has joined",
      "Bobby Tables has left",
      "Bobby Tables has left (session expired)",
      "Bobby Tables has the talking stick",
      "Bobby Tables released the talking stick",
      "the talking stick of Bobby Tables expired"
    };
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO rooms (name, floor) VALUES ('r', 'open')");
      for (int i = 0; i < system.length; i++) {
        s.executeUpdate(
            "INSERT INTO messages (room, seq, sender, actor, kind, content, timestamp, mentions) VALUES "
                + "('r', "
                + (i + 1)
                + ", 'system', 'Bobby Tables', 'system', '"
                + system[i]
                + "', '2025-01-02T03:04:05.006Z', '[]')");
      }
      s.executeUpdate(
          "INSERT INTO messages (room, seq, sender, actor, kind, content, timestamp, mentions) VALUES "
              + "('r', 7, 'ada', 'ada', 'chat', 'ada has joined', '2025-01-02T03:04:06.007Z', '[]')");
      s.executeUpdate(
          "INSERT INTO sessions (token_hash, username, room, cursor, draft, last_active) VALUES "
              + "('h1', 'ada', 'r', 7, '[]', 0)");
      s.executeUpdate(
          "INSERT INTO push_txns (token_hash, txn_id, result) VALUES ('h1', 't1', "
              + "'{\"status\":1,\"message_id\":\"msg-7\",\"timestamp\":\"2025-01-02T03:04:06.007Z\",\"messages\":[]}')");
    }

    try (SqliteStore store = SqliteStore.open(dataDir)) {
      assertThat(store.after("r", 0, 10))
          .extracting(
              m ->
                  m.message().event() == null
                      ? "none"
                      : m.message().event().type().wireName() + " " + m.message().event().user())
          .containsExactly(
              "joined Bobby Tables",
              "left Bobby Tables",
              "expired Bobby Tables",
              "stick_claimed Bobby Tables",
              "stick_released Bobby Tables",
              "stick_expired Bobby Tables",
              "none");
      assertThat(store.replays("h1"))
          .containsExactly(new PushReplay("h1", "t1", 7, "2025-01-02T03:04:06.007Z"));
    }
  }
}
