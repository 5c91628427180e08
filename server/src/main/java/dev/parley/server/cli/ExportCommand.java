package dev.parley.server.cli;

import dev.parley.server.log.LogLines;
import dev.parley.server.store.PostgresDatabase;
import dev.parley.server.store.PostgresStore;
import dev.parley.server.store.RoomRecord;
import dev.parley.server.store.SqliteStore;
import dev.parley.server.store.Store;
import dev.parley.server.store.StoredMessage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code parley export}: a room's messages from the database, in the conversation log format, to
 * standard output, from the data directory's SQLite database or from a PostgreSQL database. Safe
 * beside a running daemon: it only reads (SQLite's WAL lets it; PostgreSQL serves readers beside
 * writers).
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description =
        "Writes a room's messages, as JSON lines in the conversation log format, to standard output.")
public final class ExportCommand implements Callable<Integer> {
  private static final int PAGE = 1000;

  @Spec CommandSpec spec;

  @Option(names = "--room", required = true, description = "The room to export.")
  String room;

  @Option(
      names = "--data-dir",
      defaultValue = "${env:PARLEY_DATA_DIR:-parley-data}",
      description =
          "The daemon's data directory, without --database (PARLEY_DATA_DIR, default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Mixin DatabaseOption database = new DatabaseOption();

  @Override
  public Integer call() {
    // Not usage errors: one line that says what is missing, without the usage.
    PrintWriter err = spec.commandLine().getErr();
    PostgresDatabase db = database.database(spec.commandLine());
    if (db == null && !Files.isRegularFile(dataDir.resolve(SqliteStore.DATABASE))) {
      err.println("parley export: no Parley database in " + dataDir.toAbsolutePath());
      err.flush();
      return 1;
    }
    try (Store store =
        db == null ? SqliteStore.openReadOnly(dataDir) : PostgresStore.openReadOnly(db)) {
      if (store.rooms().stream().map(RoomRecord::name).noneMatch(room::equals)) {
        err.println(
            "parley export: no room "
                + room
                + " in "
                + (db == null ? dataDir.toAbsolutePath() : "the PostgreSQL database " + db));
        err.flush();
        return 1;
      }
      PrintWriter out = spec.commandLine().getOut();
      long after = 0;
      List<StoredMessage> page;
      do {
        page = store.after(room, after, PAGE);
        for (StoredMessage m : page) {
          out.println(LogLines.text(LogLines.message(m.message())));
          after = m.seq();
        }
      } while (page.size() == PAGE);
      out.flush();
      return out.checkError() ? 1 : 0;
    }
  }
}
