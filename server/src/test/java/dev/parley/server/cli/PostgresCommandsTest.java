package dev.parley.server.cli;

import static dev.parley.server.testing.RpcClient.chatLines;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.ServerConfig;
import dev.parley.server.store.PostgresDatabase;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import dev.parley.server.testing.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code parley migrate}, {@code copy} and {@code export} on a PostgreSQL database, each test in a
 * fresh one: a data directory copied into PostgreSQL is served from there as it was.
 */
class PostgresCommandsTest {
  @RegisterExtension final TestDatabase postgres = new TestDatabase();
  @TempDir Path dataDir;

  private record Run(int code, String out, String err) {}

  private Map<String, String> environment() {
    return Map.of(DatabaseOption.PASSWORD, postgres.database().password());
  }

  private Run run(Callable<Integer> command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine line =
        new CommandLine(command).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
    line.setExecutionExceptionHandler(
        (e, cl, parsed) -> {
          cl.getErr().println(e.getMessage());
          return 1;
        });
    int code = line.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private Run migrate() {
    MigrateCommand migrate = new MigrateCommand();
    migrate.database.environment = environment();
    return run(migrate, "--database", postgres.database().url());
  }

  private Run copy() {
    CopyCommand copy = new CopyCommand();
    copy.environment = environment();
    return run(
        copy, "--from-data-dir", dataDir.toString(), "--to-database", postgres.database().url());
  }

  private Run export(String... args) {
    ExportCommand export = new ExportCommand();
    export.database.environment = environment();
    return run(export, args);
  }

  private RunningServer onPostgres() throws Exception {
    return RunningServer.start(ServerConfig.ephemeral().withDatabase(postgres.database()));
  }

  @Test
  void migrateBringsAnEmptyDatabaseToThisSchemaWithoutServingAndAgainChangesNothing() {
    Run first = migrate();
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out().trim())
        .isEqualTo("PostgreSQL database " + postgres.database().url() + " is at schema version 9");
    assertThat(migrate().out()).isEqualTo(first.out());
  }

  @Test
  void withoutDatabaseMigrateBringsTheDataDirectorysSqliteUpToDate() throws Exception {
    MigrateCommand migrate = new MigrateCommand();
    Run none = run(migrate, "--data-dir", dataDir.toString());
    assertThat(none.code()).isNotZero();
    assertThat(none.err()).contains("no Parley database in " + dataDir.toAbsolutePath());
    try (RunningServer server =
        RunningServer.start(ServerConfig.ephemeral().withDataDir(dataDir))) {
      server.login("ada", "lobby");
    }
    Run done = run(new MigrateCommand(), "--data-dir", dataDir.toString());
    assertThat(done.code()).as(done.err()).isZero();
    assertThat(done.out()).contains("parley.db is at schema version 8");
  }

  @Test
  void withoutPasswordVariableThePasswordFileIsRead() throws Exception {
    PostgresDatabase db = postgres.database();
    Path pgpass = dataDir.resolve("pgpass");
    Files.writeString(pgpass, "*:*:*:*:" + db.password() + "\n");
    Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
    // The driver's own property for the password file's place (PGPASSFILE in the environment).
    System.setProperty("org.postgresql.pgpassfile", pgpass.toString());
    try {
      MigrateCommand migrate = new MigrateCommand();
      migrate.database.environment = Map.of();
      Run run = run(migrate, "--database", db.url());
      assertThat(run.code()).as(run.err()).isZero();
      assertThat(run.out()).contains("is at schema version 9");
    } finally {
      System.clearProperty("org.postgresql.pgpassfile");
    }
  }

  @Test
  void aDataDirectoryCopiedIntoPostgresqlIsServedFromThereAsItWas() throws Exception {
    String alice;
    String bob;
    String sent;
    try (RunningServer sqlite =
        RunningServer.start(ServerConfig.ephemeral().withDataDir(dataDir))) {
      RpcClient a = sqlite.login("alice", "move");
      RpcClient b = sqlite.login("bob", "move");
      alice = a.session();
      bob = b.session();
      a.call("append", Map.of("text", "a draft that moves", "txn_id", "a-1"));
      b.call("append", Map.of("text", "hello from SQLite"));
      sent = b.call("push", Map.of("txn_id", "b-1")).get("message_id").asText();
      b.call("talking_stick");
    }

    Run copied = copy();
    assertThat(copied.code()).as(copied.err()).isZero();
    assertThat(copied.out())
        .startsWith("Copied 1 rooms, 4 messages and 2 sessions from " + dataDir.toAbsolutePath());

    Run fromSqlite = export("--room", "move", "--data-dir", dataDir.toString());
    Run fromPostgres = export("--room", "move", "--database", postgres.database().url());
    assertThat(fromPostgres.code()).as(fromPostgres.err()).isZero();
    assertThat(fromPostgres.out()).isEqualTo(fromSqlite.out()).contains("hello from SQLite");

    try (RunningServer server = onPostgres()) {
      RpcClient a = server.client().withSession(alice);
      JsonNode preview = a.call("preview");
      assertThat(preview.get("draft").asText()).isEqualTo("a draft that moves");
      assertThat(RpcClient.lines(preview))
          .as("what alice had not been delivered yet")
          .containsExactly("bob: hello from SQLite", "system: bob has the talking stick");
      RpcClient b = server.client().withSession(bob);
      assertThat(b.call("push", Map.of("txn_id", "b-1")).get("message_id").asText())
          .isEqualTo(sent);
      assertThat(b.call("participants").get("participants").get(1).get("holds_stick").asBoolean())
          .isTrue();
      assertThat(
              a.call("append", Map.of("text", "ignored", "txn_id", "a-1")).get("suffix").asText())
          .as("the append's txn_id came along")
          .isEqualTo("a draft that moves");
      b.call("append", Map.of("text", "hello from PostgreSQL"));
      JsonNode pushed = b.call("push");
      assertThat(pushed.get("message_id").asText()).isEqualTo("msg-5");
      assertThat(chatLines(a.call("history")))
          .containsExactly("bob: hello from SQLite", "bob: hello from PostgreSQL");
    }

    Run again = copy();
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err())
        .contains("the PostgreSQL database " + postgres.database().url() + " is not empty")
        .contains("copy into an empty database");
  }

  @Test
  void exportNamesAMissingRoomOfTheDatabase() throws Exception {
    try (RunningServer server = onPostgres()) {
      server.login("ada", "here");
    }
    PostgresDatabase db = postgres.database();
    Run missing = export("--room", "elsewhere", "--database", db.url());
    assertThat(missing.code()).isNotZero();
    assertThat(missing.err()).contains("no room elsewhere in the PostgreSQL database " + db.url());
    assertThat(export("--room", "here", "--database", db.url()).out()).contains("ada has joined");
  }
}
