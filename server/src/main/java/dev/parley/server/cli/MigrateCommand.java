package dev.parley.server.cli;

import dev.parley.server.store.PostgresDatabase;
import dev.parley.server.store.PostgresStore;
import dev.parley.server.store.SqliteStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code parley migrate}: brings a database's schema up to this version without serving it, as the
 * daemon does at start. It takes the database as a daemon does, so it refuses while one runs on it.
 */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description =
        "Applies the schema migrations to a PostgreSQL database (--database) or to a data directory's"
            + " SQLite database, without serving it.")
public final class MigrateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DatabaseOption database = new DatabaseOption();

  @Option(
      names = "--data-dir",
      defaultValue = "${env:PARLEY_DATA_DIR:-parley-data}",
      description =
          "The data directory whose SQLite database to migrate, without --database (PARLEY_DATA_DIR,"
              + " default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Override
  public Integer call() {
    PostgresDatabase db = database.database(spec.commandLine());
    if (db != null) {
      try (PostgresStore store = PostgresStore.open(db, null)) {
        spec.commandLine()
            .getOut()
            .println(
                "PostgreSQL database " + db + " is at schema version " + store.schemaVersion());
      }
      return 0;
    }
    if (!Files.isRegularFile(dataDir.resolve(SqliteStore.DATABASE))) {
      throw new ParameterException(
          spec.commandLine(), "no Parley database in " + dataDir.toAbsolutePath());
    }
    try (SqliteStore store = SqliteStore.open(dataDir)) {
      spec.commandLine()
          .getOut()
          .println(
              dataDir.resolve(SqliteStore.DATABASE).toAbsolutePath()
                  + " is at schema version "
                  + store.schemaVersion());
    }
    return 0;
  }
}
