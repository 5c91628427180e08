package dev.parley.server.cli;

import dev.parley.server.store.PostgresDatabase;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The {@code --database} option the commands share: a PostgreSQL URL ({@code PARLEY_DATABASE}), its
 * password from {@code PARLEY_DATABASE_PASSWORD} or, without it, from the standard password file
 * ({@code ~/.pgpass}) that the JDBC driver reads itself. The password is never an option, so that
 * it shows in no process list.
 */
public final class DatabaseOption {
  /** The variable that holds the database's password. */
  public static final String PASSWORD = "PARLEY_DATABASE_PASSWORD";

  @Option(
      names = "--database",
      paramLabel = "URL",
      defaultValue = "${env:PARLEY_DATABASE}",
      description =
          "The PostgreSQL database that holds the data, in place of the data directory's SQLite one:"
              + " postgresql://HOST:PORT/DB?user=NAME; the password from PARLEY_DATABASE_PASSWORD or"
              + " ~/.pgpass (PARLEY_DATABASE).")
  String url;

  /** Where the password is looked up: the process environment, another map in tests. */
  Map<String, String> environment = System.getenv();

  /** The database the option names, or null when it names none. */
  PostgresDatabase database(CommandLine command) {
    return parse(command, url, environment);
  }

  /** {@code url} with the password of {@code environment}, or null for no URL. */
  static PostgresDatabase parse(CommandLine command, String url, Map<String, String> environment) {
    if (url == null || url.isBlank()) {
      return null;
    }
    try {
      return new PostgresDatabase(url, environment.get(PASSWORD));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command, e.getMessage());
    }
  }
}
