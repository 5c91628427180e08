package dev.parley.server.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.sqlite.SQLiteException;

/**
 * What can be wrong with a database file when the daemon or {@code parley export} opens it, said in
 * one plain sentence that names the file and what to do. Flyway's and the driver's own words stay
 * in the exception's cause, for the debug log.
 */
final class OpenErrors {
  /** The first 16 bytes of every SQLite 3 database file. */
  private static final byte[] SQLITE_HEADER =
      "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  private static final String RESTORE =
      "restore it from a backup, or move it away to start with an empty database";

  private OpenErrors() {}

  /**
   * Refuses, before SQLite sees it, a file that cannot hold Parley's data: SQLite would take an
   * empty file for a new database and the daemon would start with nothing, hiding the loss.
   */
  static void checkFile(Path file) {
    if (!Files.exists(file)) {
      return;
    }
    byte[] header;
    try (InputStream in = Files.newInputStream(file)) {
      header = in.readNBytes(SQLITE_HEADER.length);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read " + file.toAbsolutePath() + ": " + e.getMessage(), e);
    }
    if (header.length == 0) {
      throw new IllegalStateException(
          file.toAbsolutePath()
              + " is empty (0 bytes), so it holds no Parley data"
              + " (a copy or a restore that did not finish?): restore it from a backup, or delete it to start with an"
              + " empty database");
    }
    if (!Arrays.equals(header, SQLITE_HEADER)) {
      throw new IllegalStateException(
          file.toAbsolutePath()
              + " is not a Parley database (it is not an SQLite"
              + " file): "
              + RESTORE);
    }
  }

  /** {@code failure}, met while opening or migrating {@code file}, as one plain sentence. */
  static IllegalStateException explain(Path file, Throwable failure) {
    String where = file.toAbsolutePath().toString();
    SQLiteException sqlite = sqliteCause(failure);
    String what;
    if (sqlite != null) {
      what =
          switch (sqlite.getResultCode().code & 0xff) {
            case 26 ->
                " is not a Parley database (it is not an SQLite file, or it is encrypted): "
                    + RESTORE;
            case 11 ->
                " is damaged (SQLite finds its contents malformed): "
                    + RESTORE
                    + " (sqlite3's .recover command may save part of it)";
            case 3, 8, 14, 23 ->
                " cannot be opened for reading and writing: check that this user may write to it and"
                    + " to its directory";
            case 13 -> " cannot be written: the disk is full";
            case 5, 6 -> " is locked by another program that is writing to it: stop that program";
            case 10 -> " cannot be read or written (an input/output error of the disk)";
            default -> " cannot be opened (SQLite says: " + firstLine(sqlite.getMessage()) + ")";
          };
    } else if (failure instanceof FlywayValidateException) {
      what =
          " records schema changes that differ from this version of Parley's (edited by hand, or made by a"
              + " modified build): run the build that made it, or restore a backup";
    } else {
      what = " cannot be opened: " + firstLine(failure.getMessage());
    }
    return new IllegalStateException(where + what, failure);
  }

  private static SQLiteException sqliteCause(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLiteException sqlite) {
        return sqlite;
      }
    }
    return null;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no reason given";
    }
    int end = message.indexOf('\n');
    return (end < 0 ? message : message.substring(0, end)).trim();
  }
}
