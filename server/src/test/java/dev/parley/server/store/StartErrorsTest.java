package dev.parley.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.server.ParleyServer;
import dev.parley.server.ServerConfig;
import dev.parley.server.cli.ExportCommand;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A data directory whose database is empty, not a database, damaged or too new stops the daemon at
 * start with one plain sentence that names the file and says what to do, never in the words of
 * Flyway or of the JDBC driver; and an empty file is never silently made a new database.
 */
class StartErrorsTest {
  @TempDir Path dataDir;

  private Path database() {
    return dataDir.resolve(SqliteStore.DATABASE);
  }

  private AbstractThrowableAssert<?, ? extends Throwable> assertRefusedToStart() {
    return assertThatThrownBy(
            () -> new ParleyServer(ServerConfig.ephemeral().withDataDir(dataDir)).close())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(database().toAbsolutePath().toString())
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .doesNotContainIgnoringCase("flyway")
                    .doesNotContain("SQL State", "SQLITE_", "Unable to obtain", "Exception", "\n"));
  }

  private void exportRefused(String words) throws Exception {
    ExportCommand export = new ExportCommand();
    new CommandLine(export).parseArgs("--room", "lobby", "--data-dir", dataDir.toString());
    assertThatThrownBy(export::call)
        .hasMessageContaining(database().toAbsolutePath().toString())
        .hasMessageContaining(words);
  }

  @Test
  void anEmptyDatabaseFileIsNotMadeANewDatabase() throws Exception {
    Files.createFile(database());
    assertRefusedToStart()
        .hasMessageContaining("is empty (0 bytes)")
        .hasMessageContaining("backup")
        .hasMessageContaining("delete it");
    assertThat(Files.size(database())).as("left as it was").isZero();
    exportRefused("is empty (0 bytes)");
  }

  @Test
  void aFileThatIsNotADatabaseIsSaidSoPlainly() throws Exception {
    Files.writeString(
        database(), "these are my notes, not a database\n".repeat(200), StandardCharsets.UTF_8);
    assertRefusedToStart()
        .hasMessageContaining("is not a Parley database")
        .hasMessageContaining("backup");
    exportRefused("is not a Parley database");
  }

  @Test
  void aDamagedDatabaseIsSaidToBeDamaged() throws Exception {
    new ParleyServer(ServerConfig.ephemeral().withDataDir(dataDir)).close();
    try (RandomAccessFile file = new RandomAccessFile(database().toFile(), "rw")) {
      // Page 1 past the file header holds the schema: without it nothing can be read.
      byte[] garbage = new byte[4000];
      Arrays.fill(garbage, (byte) 0x5a);
      file.seek(100);
      file.write(garbage);
    }
    assertRefusedToStart().hasMessageContaining("is damaged").hasMessageContaining("backup");
  }

  @Test
  void aSchemaHistoryThatDiffersFromThisBuildsIsSaidSo() throws Exception {
    new ParleyServer(ServerConfig.ephemeral().withDataDir(dataDir)).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database());
        Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE flyway_schema_history SET checksum = 12345 WHERE version = '1'");
    }
    assertRefusedToStart()
        .hasMessageContaining("records schema changes that differ from this version of Parley's");
  }
}
