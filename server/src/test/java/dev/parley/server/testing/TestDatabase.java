package dev.parley.server.testing;

import dev.parley.server.store.PostgresDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh PostgreSQL database for a test class ({@code static} field) or for each test (instance
 * field), as a JUnit extension: created with a unique name on the server that {@code
 * PARLEY_TEST_DATABASE} names (a URL of a database the user may create databases from, the password
 * in {@code PARLEY_TEST_DATABASE_PASSWORD}), dropped afterwards, so that tests never share state.
 * {@code .ci/run} starts such a server. Without that variable the tests are skipped with a loud
 * message, except in CI ({@code CI=true}), where its absence fails them.
 *
 * <pre>{@code
 * @RegisterExtension static final TestDatabase postgres = new TestDatabase();
 * }</pre>
 */
public final class TestDatabase
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  /** The variable naming the PostgreSQL server the tests use. */
  public static final String URL = "PARLEY_TEST_DATABASE";

  /** The variable holding that server's password. */
  public static final String PASSWORD = "PARLEY_TEST_DATABASE_PASSWORD";

  private PostgresDatabase database;
  private boolean perTest;

  /** The server the tests use, as an administrative database: skips or fails the test without. */
  public static PostgresDatabase server() {
    String url = System.getenv(URL);
    if (url == null || url.isBlank()) {
      String why =
          URL
              + " is not set: the PostgreSQL tests need a PostgreSQL server"
              + " (`. .ci/postgres.sh; postgres_start` starts one and sets it)";
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException("CI: " + why);
      }
      System.err.println("*** SKIPPED: " + why + " ***");
      Assumptions.abort(why);
    }
    return new PostgresDatabase(url, System.getenv(PASSWORD));
  }

  /** The database of this test (or class). */
  public PostgresDatabase database() {
    return database;
  }

  /** The same database reached with another password (to try wrong credentials). */
  public PostgresDatabase withPassword(String password) {
    return new PostgresDatabase(database.url(), password);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws SQLException {
    database = create();
  }

  @Override
  public void afterAll(ExtensionContext context) throws SQLException {
    drop();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws SQLException {
    if (database == null) {
      database = create();
      perTest = true;
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws SQLException {
    if (perTest) {
      drop();
    }
  }

  /** A fresh database on the server the tests use, for harnesses that manage it themselves. */
  public static PostgresDatabase create() throws SQLException {
    PostgresDatabase server = server();
    String name = "parley_test_" + UUID.randomUUID().toString().replace("-", "");
    execute(server, "CREATE DATABASE " + name);
    String url = server.url();
    int query = url.indexOf('?');
    String path = query < 0 ? url : url.substring(0, query);
    String rest = query < 0 ? "" : url.substring(query);
    String base = path.substring(0, path.lastIndexOf('/') + 1);
    return new PostgresDatabase(base + name + rest, server.password());
  }

  private void drop() throws SQLException {
    if (database != null) {
      try {
        drop(database);
      } finally {
        database = null;
      }
    }
  }

  /** Drops {@code db}, a database {@link #create} made, whoever is still connected to it. */
  public static void drop(PostgresDatabase db) throws SQLException {
    execute(server(), "DROP DATABASE IF EXISTS " + db.databaseName() + " WITH (FORCE)");
  }

  private static void execute(PostgresDatabase db, String sql) throws SQLException {
    Properties p = new Properties();
    if (db.password() != null) {
      p.setProperty("password", db.password());
    }
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), p);
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
