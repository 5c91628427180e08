package dev.parley.server.store;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import org.flywaydb.core.api.exception.FlywayValidateException;

/**
 * What can go wrong when the daemon, {@code parley migrate}, {@code export} or {@code copy} opens a
 * PostgreSQL database, said in one sentence that names the database and what to do. The driver's
 * and Flyway's own words stay in the exception's cause, for the debug log. No sentence holds the
 * password: the driver never puts it in its messages, and the URL cannot hold one.
 */
final class PostgresErrors {
  private static final String PASSWORD =
      "give the right one in PARLEY_DATABASE_PASSWORD or in ~/.pgpass (HOST:PORT:DB:USER:PASSWORD)";

  private PostgresErrors() {}

  /** {@code failure}, met while connecting to or migrating {@code db}, as one plain sentence. */
  static IllegalStateException explain(PostgresDatabase db, Throwable failure) {
    String where = "PostgreSQL database " + db;
    SQLException sql = cause(failure, SQLException.class);
    String state = sql == null ? "" : String.valueOf(sql.getSQLState());
    String what;
    if (cause(failure, UnknownHostException.class) != null) {
      what = ": unknown host in " + db.hostAndPort() + ": check the URL";
    } else if (cause(failure, ConnectException.class) != null
        || cause(failure, NoRouteToHostException.class) != null) {
      what =
          ": cannot connect to "
              + db.hostAndPort()
              + " (connection refused): is PostgreSQL running, listening on that address and port?";
    } else if (cause(failure, SocketTimeoutException.class) != null) {
      what = ": " + db.hostAndPort() + " did not answer in time: is it the right host and port?";
    } else if ("28P01".equals(state)) {
      what = ": PostgreSQL refused the password of user " + db.user() + ": " + PASSWORD;
    } else if ("08004".equals(state) && mentionsPassword(sql)) {
      what =
          ": PostgreSQL asks for a password for user "
              + db.user()
              + " and none was given: "
              + PASSWORD;
    } else if ("28000".equals(state)) {
      what = ": PostgreSQL refused the connection: " + firstLine(sql.getMessage());
    } else if ("3D000".equals(state)) {
      what =
          ": there is no database "
              + db.databaseName()
              + " on "
              + db.hostAndPort()
              + ": create it first (createdb "
              + db.databaseName()
              + ")";
    } else if (cause(failure, FlywayValidateException.class) != null) {
      what =
          " records schema changes that differ from this version of Parley's (edited by hand, or made"
              + " by a modified build): run the build that made it, or restore a backup";
    } else if (sql != null) {
      what = " cannot be opened: " + firstLine(sql.getMessage());
    } else {
      what = " cannot be opened: " + firstLine(failure.getMessage());
    }
    return new IllegalStateException(where + what, failure);
  }

  private static boolean mentionsPassword(SQLException e) {
    return e.getMessage() != null && e.getMessage().toLowerCase().contains("password");
  }

  private static <T extends Throwable> T cause(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  static String firstLine(String message) {
    if (message == null) {
      return "no reason given";
    }
    int end = message.indexOf('\n');
    return (end < 0 ? message : message.substring(0, end)).trim();
  }
}
