package dev.parley.server.cli;

import dev.parley.server.store.PostgresDatabase;
import dev.parley.server.store.PostgresStore;
import dev.parley.server.store.SqliteStore;
import dev.parley.server.store.StoreCopy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code parley copy}: moves a data directory's SQLite database into an empty PostgreSQL database.
 * Both are taken as a daemon takes them, so no daemon may run on either meanwhile; the source is
 * migrated to this version first and is left as it was otherwise.
 */
@Command(
    name = "copy",
    mixinStandardHelpOptions = true,
    description =
        "Copies the rooms, messages and sessions of a data directory's SQLite database into an empty"
            + " PostgreSQL database (stop the daemon first).")
public final class CopyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--from-data-dir",
      required = true,
      paramLabel = "DIR",
      description = "The data directory to copy from.")
  Path from;

  @Option(
      names = "--to-database",
      paramLabel = "URL",
      defaultValue = "${env:PARLEY_DATABASE}",
      description =
          "The PostgreSQL database to copy into: postgresql://HOST:PORT/DB?user=NAME; the password from"
              + " PARLEY_DATABASE_PASSWORD or ~/.pgpass (PARLEY_DATABASE).")
  String to;

  /** Where the password is looked up: the process environment, another map in tests. */
  Map<String, String> environment = System.getenv();

  @Override
  public Integer call() {
    PostgresDatabase db = DatabaseOption.parse(spec.commandLine(), to, environment);
    if (db == null) {
      throw new ParameterException(spec.commandLine(), "--to-database: no URL given");
    }
    if (!Files.isRegularFile(from.resolve(SqliteStore.DATABASE))) {
      throw new ParameterException(
          spec.commandLine(), "no Parley database in " + from.toAbsolutePath());
    }
    try (SqliteStore source = SqliteStore.open(from);
        PostgresStore target = PostgresStore.openAlone(db)) {
      StoreCopy.Copied copied = StoreCopy.copy(source, target, "the PostgreSQL database " + db);
      spec.commandLine()
          .getOut()
          .printf(
              "Copied %d rooms, %d messages and %d sessions from %s to %s%n",
              copied.rooms(), copied.messages(), copied.sessions(), from.toAbsolutePath(), db);
    }
    return 0;
  }
}
