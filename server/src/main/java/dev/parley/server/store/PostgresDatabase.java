package dev.parley.server.store;

import java.util.Locale;
import java.util.Properties;
import org.postgresql.Driver;
import org.postgresql.PGProperty;

/**
 * A PostgreSQL database to keep the daemon's data in: its URL ({@code
 * postgresql://HOST:PORT/DB?user=NAME}, the JDBC form {@code jdbc:postgresql://…} too) and, when
 * given, the password. Without a password the JDBC driver looks in the standard password file
 * ({@code ~/.pgpass}, or the file {@code PGPASSFILE} names). The password never appears in the URL,
 * in {@link #toString} nor in any message: a URL that carries one is refused, as it would show in
 * process lists and logs.
 *
 * @param url the URL as given, without the {@code jdbc:} prefix
 * @param password the password, or null to leave it to the password file (or to no password)
 */
public record PostgresDatabase(String url, String password) {
  private static final String JDBC = "jdbc:";
  private static final String SCHEME = "postgresql://";

  /**
   * Checks {@code url} and keeps it with {@code password}.
   *
   * @throws IllegalArgumentException when {@code url} is not a PostgreSQL URL or carries a
   *     password, in one sentence that says what to give instead
   */
  public PostgresDatabase {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException(
          "--database: no URL given (postgresql://HOST:PORT/DB?user=NAME)");
    }
    String plain = url.startsWith(JDBC) ? url.substring(JDBC.length()) : url;
    if (!plain.startsWith(SCHEME)) {
      throw new IllegalArgumentException(
          "--database: not a PostgreSQL URL: "
              + shown(plain)
              + " (give postgresql://HOST:PORT/DB?user=NAME)");
    }
    // A user:password@ part is refused before the driver parses it: the driver would log it.
    if (plain.substring(SCHEME.length()).split("[/?]", 2)[0].contains("@")) {
      throw noPassword();
    }
    Properties parsed = Driver.parseURL(JDBC + plain, null);
    if (parsed == null) {
      throw new IllegalArgumentException(
          "--database: not a valid PostgreSQL URL: "
              + shown(plain)
              + " (give postgresql://HOST:PORT/DB?user=NAME)");
    }
    // Asked of the URL itself: the driver's parsed properties hold a password of ~/.pgpass too.
    int query = plain.indexOf('?');
    if (query >= 0) {
      for (String parameter : plain.substring(query + 1).split("&")) {
        String key = parameter.split("=", 2)[0];
        if (PGProperty.PASSWORD.getName().equalsIgnoreCase(key)) {
          throw noPassword();
        }
      }
    }
    url = plain;
    if (password != null && password.isEmpty()) {
      password = null;
    }
  }

  private static IllegalArgumentException noPassword() {
    return new IllegalArgumentException(
        "--database: the URL may not hold a password (it would show in process lists and logs):"
            + " give it in PARLEY_DATABASE_PASSWORD or in ~/.pgpass");
  }

  /** The URL for the JDBC driver. */
  public String jdbcUrl() {
    return JDBC + url;
  }

  /** The host and port the URL names, as {@code host:port}. */
  public String hostAndPort() {
    Properties parsed = Driver.parseURL(jdbcUrl(), null);
    return PGProperty.PG_HOST.getOrDefault(parsed) + ":" + PGProperty.PG_PORT.getOrDefault(parsed);
  }

  /** The user the URL names, or null when it names none (the driver then takes the OS user). */
  public String user() {
    return PGProperty.USER.getOrDefault(Driver.parseURL(jdbcUrl(), null));
  }

  /** The database name the URL names. */
  public String databaseName() {
    return PGProperty.PG_DBNAME.getOrDefault(Driver.parseURL(jdbcUrl(), null));
  }

  /** The URL, never the password. */
  @Override
  public String toString() {
    return url;
  }

  /** A URL as it may be shown in an error: the part after a {@code password=} is hidden. */
  private static String shown(String url) {
    int at = url.toLowerCase(Locale.ROOT).indexOf("password=");
    return at < 0 ? url : url.substring(0, at) + "password=…";
  }
}
