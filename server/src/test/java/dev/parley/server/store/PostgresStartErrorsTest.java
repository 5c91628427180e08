package dev.parley.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.server.ParleyServer;
import dev.parley.server.ServerConfig;
import dev.parley.server.testing.RunningServer;
import dev.parley.server.testing.TestDatabase;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Properties;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A PostgreSQL database that cannot be served stops the daemon at start with one plain sentence
 * that names the database and says what to do, never a stack trace or the driver's words, and never
 * the password: a bad URL, a refused connection, refused credentials, a missing database, a
 * database another daemon serves, a schema history this build does not know.
 */
class PostgresStartErrorsTest {
  private static final String SECRET = "not-the-password-4711";

  @RegisterExtension final TestDatabase postgres = new TestDatabase();

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(
      PostgresDatabase db) {
    return assertThatThrownBy(
            () -> new ParleyServer(ServerConfig.ephemeral().withDatabase(db)).close())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("PostgreSQL database " + db.url())
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .doesNotContainIgnoringCase("flyway")
                    .doesNotContain(
                        SECRET, "SQL State", "Exception", "Unable to obtain", "FATAL", "\n"));
  }

  @Test
  void aPortWhereNothingListensIsSaidToRefuseTheConnection() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    PostgresDatabase db =
        new PostgresDatabase("postgresql://127.0.0.1:" + port + "/parley?user=ada", SECRET);
    assertRefused(db)
        .hasMessageContaining("cannot connect to 127.0.0.1:" + port + " (connection refused)");
  }

  @Test
  void aWrongPasswordOrNoneIsSaidSoWithoutShowingIt() {
    assertRefused(postgres.withPassword(SECRET))
        .hasMessageContaining("refused the password of user")
        .hasMessageContaining("PARLEY_DATABASE_PASSWORD");
    assertRefused(postgres.withPassword(null))
        .hasMessageContaining("asks for a password for user")
        .hasMessageContaining("none was given");
  }

  @Test
  void aMissingDatabaseIsSaidToBeMissing() {
    String url = postgres.database().url().replace("parley_test_", "parley_missing_");
    PostgresDatabase db = new PostgresDatabase(url, postgres.database().password());
    assertRefused(db).hasMessageContaining("there is no database parley_missing_");
  }

  @Test
  void aCopyIsRefusedWhileADaemonServesTheDatabaseAndADaemonWhileACopyRuns() throws Exception {
    PostgresDatabase db = postgres.database();
    try (RunningServer first = RunningServer.start(ServerConfig.ephemeral().withDatabase(db));
        RunningServer second = RunningServer.start(ServerConfig.ephemeral().withDatabase(db))) {
      first.login("ada", "lobby");
      assertThat(second.login("bob", "lobby").call("participants").toString()).contains("ada");
      assertThatThrownBy(() -> PostgresStore.openAlone(db))
          .hasMessageContaining("is in use by a Parley daemon (Parley pid ")
          .hasMessageContaining("pid " + ProcessHandle.current().pid() + " on ")
          .hasMessageContaining("stop every daemon on it first");
    }
    try (PostgresStore alone = PostgresStore.openAlone(db)) {
      assertRefused(db)
          .hasMessageContaining("is being copied into")
          .hasMessageContaining("start the daemon once the copy is done");
    }
    try (RunningServer again = RunningServer.start(ServerConfig.ephemeral().withDatabase(db))) {
      assertThat(again.login("carol", "lobby").call("participants").toString()).contains("ada");
    }
  }

  @Test
  void aSchemaHistoryThatDiffersFromThisBuildsIsSaidSo() throws Exception {
    PostgresDatabase db = postgres.database();
    PostgresStore.open(db, null).close();
    Properties p = new Properties();
    p.setProperty("password", db.password());
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), p);
        Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE flyway_schema_history SET checksum = 12345 WHERE version = '1'");
    }
    assertRefused(db)
        .hasMessageContaining("records schema changes that differ from this version of Parley's");
  }
}
