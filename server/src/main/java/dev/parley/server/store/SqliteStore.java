package dev.parley.server.store;

import static dev.parley.server.store.StoredRows.MESSAGE_COLUMNS;
import static dev.parley.server.store.StoredRows.json;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The embedded default: one SQLite database ({@code parley.db}) in the data directory, in WAL mode.
 * All writes go through one connection, a batch of many calls' changes per transaction (the
 * engine's group commit), so writers never meet {@code SQLITE_BUSY} and one fsync serves a whole
 * batch; reads use a small pool of read-only connections, which WAL lets run beside the writer.
 * Commits are synchronous ({@code synchronous=FULL}): a push that was answered survives a crash or
 * a power cut.
 */
public final class SqliteStore extends SqlStore {
  /** The database file inside the data directory. */
  public static final String DATABASE = "parley.db";

  private static final Logger LOG = LoggerFactory.getLogger(SqliteStore.class);

  private final Connection writer;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final HikariDataSource readers;

  /** Prepared statements of the writer connection, by SQL; used under the write lock only. */
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  private final String file;

  /** The data directory's lock, held until close; null for a read-only store. */
  private DataDirectoryLock lock;

  private SqliteStore(Connection writer, HikariDataSource readers, String file) {
    super(readers, "rowid", e -> "SQLite: reading " + file + " failed: " + plain(e));
    this.writer = writer;
    this.readers = readers;
    this.file = file;
  }

  /**
   * Opens (creating it when needed) the database in {@code dataDir} and brings its schema up to
   * date. The directory is locked for this store until it is closed: a second daemon on it is
   * refused (see {@link DataDirectoryLock}).
   */
  public static SqliteStore open(Path dataDir) {
    DataDirectoryLock lock = DataDirectoryLock.acquire(dataDir);
    try {
      SqliteStore store = openFile(dataDir.resolve(DATABASE));
      store.lock = lock;
      return store;
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  private static SqliteStore openFile(Path file) {
    OpenErrors.checkFile(file);
    String url = "jdbc:sqlite:" + file.toAbsolutePath();
    try {
      migrate(url);
    } catch (RuntimeException e) {
      throw OpenErrors.explain(file, e);
    }
    Connection writer = null;
    try {
      writer = DriverManager.getConnection(url);
      try (Statement s = writer.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=FULL");
        s.execute("PRAGMA foreign_keys=ON");
        s.execute("PRAGMA busy_timeout=30000");
      }
      return new SqliteStore(writer, readers(url), url.substring("jdbc:sqlite:".length()));
    } catch (SQLException | RuntimeException e) {
      closeQuietly(writer);
      throw OpenErrors.explain(file, e);
    }
  }

  /**
   * Opens the database in {@code dataDir} only to read it, as {@code parley export} does beside a
   * running daemon: no migration, no writer connection; every write fails.
   */
  public static SqliteStore openReadOnly(Path dataDir) {
    Path file = dataDir.resolve(DATABASE);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("no Parley database in " + dataDir.toAbsolutePath());
    }
    OpenErrors.checkFile(file);
    try {
      return new SqliteStore(
          null, readers("jdbc:sqlite:" + file.toAbsolutePath()), file.toAbsolutePath().toString());
    } catch (RuntimeException e) {
      throw OpenErrors.explain(file, e);
    }
  }

  private static HikariDataSource readers(String url) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setPoolName("parley-sqlite-readers");
    config.setMaximumPoolSize(4);
    config.addDataSourceProperty("busy_timeout", "30000");
    config.setConnectionInitSql("PRAGMA query_only=true");
    return new HikariDataSource(config);
  }

  /** Applies the versioned migrations of {@code db/migration}; a newer build opens older data. */
  static void migrate(String url) {
    MigrateResult result =
        Flyway.configure()
            .dataSource(url, null, null)
            .locations("classpath:db/migration")
            .load()
            .migrate();
    if (result.migrationsExecuted > 0) {
      LOG.info("Database {} migrated to schema version {}", url, result.targetSchemaVersion);
    }
  }

  @Override
  public boolean durable() {
    return true;
  }

  @Override
  public void commit(List<Write> writes) {
    if (writer == null) {
      throw new IllegalStateException("this store was opened read-only");
    }
    if (writes.isEmpty()) {
      return;
    }
    writeLock.lock();
    try {
      writer.setAutoCommit(false);
      try {
        for (Write w : writes) {
          apply(w);
        }
        writer.commit();
      } catch (SQLException | RuntimeException e) {
        // Roll back before anything else: restoring autocommit on an open transaction would
        // commit half of it. The first failure is the one to report.
        rollback(e);
        forgetStatements();
        throw failure(e);
      } finally {
        restoreAutoCommit();
      }
    } catch (SQLException e) {
      throw failure(e);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Caps the database at {@code pages} pages (never below its size now), so that growing it fails
   * with SQLITE_FULL as on a full disk. For tests: a real full file system needs privileges.
   */
  void limitPages(long pages) {
    writeLock.lock();
    try (Statement s = writer.createStatement()) {
      s.execute("PRAGMA max_page_count=" + pages);
    } catch (SQLException e) {
      throw new StoreException("SQLite: cannot limit " + file + ": " + plain(e), e);
    } finally {
      writeLock.unlock();
    }
  }

  private void apply(Write w) throws SQLException {
    switch (w) {
      case Write.CreateRoom r ->
          update(
              "INSERT OR IGNORE INTO rooms (name, floor, options) VALUES (?, ?, ?)",
              r.room(),
              r.floor().wireName(),
              StoredRows.json(r.options()));
      case Write.AppendMessage a ->
          update(
              "INSERT INTO messages (room, "
                  + MESSAGE_COLUMNS
                  + ") VALUES ("
                  + StoredRows.MESSAGE_PLACEHOLDERS
                  + ")",
              StoredRows.messageValues(a.message()));
      case Write.SaveSession save -> {
        SessionRecord s = save.session();
        update(
            "INSERT INTO sessions (token_hash, username, room, cursor, draft, last_active, kind, moderator,"
                + " since_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (token_hash) DO UPDATE SET cursor = excluded.cursor, draft = excluded.draft, "
                + "last_active = excluded.last_active",
            s.tokenHash(),
            s.username(),
            s.room(),
            s.cursor(),
            json(s.draft()),
            s.lastActive().toEpochMilli(),
            s.kind().wireName(),
            s.moderator(),
            s.sinceSeq());
      }
      case Write.DeleteSession d ->
          update("DELETE FROM sessions WHERE token_hash = ?", d.tokenHash());
      case Write.SaveReplay r -> {
        PushReplay p = r.replay();
        update(
            "INSERT OR REPLACE INTO push_replays (token_hash, txn_id, seq, timestamp) VALUES (?, ?, ?, ?)",
            p.tokenHash(),
            p.txnId(),
            p.seq(),
            p.timestamp());
        update(
            "DELETE FROM push_replays WHERE token_hash = ? AND rowid NOT IN "
                + "(SELECT rowid FROM push_replays WHERE token_hash = ? ORDER BY rowid DESC LIMIT ?)",
            p.tokenHash(),
            p.tokenHash(),
            r.keep());
      }
      case Write.SaveDraftReplay r -> {
        DraftReplay d = r.replay();
        update(
            "INSERT OR REPLACE INTO draft_replays (token_hash, method, txn_id, status, suffix, draft_length, truncated) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)",
            d.tokenHash(),
            d.method(),
            d.txnId(),
            d.status(),
            d.suffix(),
            d.draftLength(),
            d.truncated());
        update(
            "DELETE FROM draft_replays WHERE token_hash = ? AND rowid NOT IN "
                + "(SELECT rowid FROM draft_replays WHERE token_hash = ? ORDER BY rowid DESC LIMIT ?)",
            d.tokenHash(),
            d.tokenHash(),
            r.keep());
      }
      case Write.SaveControls c ->
          update(
              "UPDATE rooms SET controls = ? WHERE name = ?",
              StoredRows.json(c.controls()),
              c.room());
      case Write.SaveStick st ->
          update(
              "UPDATE rooms SET stick_holder = ?, stick_claimed_at = ? WHERE name = ?",
              st.holder(),
              st.claimedAt() == null ? null : st.claimedAt().toEpochMilli(),
              st.room());
      case Write.DeleteRoom d -> {
        update(
            "DELETE FROM push_replays WHERE token_hash IN (SELECT token_hash FROM sessions WHERE room = ?)",
            d.room());
        update(
            "DELETE FROM draft_replays WHERE token_hash IN (SELECT token_hash FROM sessions WHERE room = ?)",
            d.room());
        update("DELETE FROM sessions WHERE room = ?", d.room());
        update("DELETE FROM messages WHERE room = ?", d.room());
        update("DELETE FROM rooms WHERE name = ?", d.room());
      }
    }
  }

  @Override
  public void close() {
    readers.close();
    writeLock.lock();
    try {
      statements.values().forEach(SqliteStore::closeQuietly);
      closeQuietly(writer);
    } finally {
      writeLock.unlock();
      if (lock != null) {
        lock.close();
      }
    }
  }

  /** One statement on the writer connection, inside the commit that holds the write lock. */
  private void update(String sql, Object... args) throws SQLException {
    PreparedStatement ps = statements.get(sql);
    if (ps == null) {
      ps = writer.prepareStatement(sql);
      statements.put(sql, ps);
    }
    bind(ps, args);
    ps.executeUpdate();
  }

  private void rollback(Exception failure) {
    try {
      writer.rollback();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * Closes the cached statements after a failed commit: the driver closes a statement whose
   * execution failed (on a full disk, for one), and a cached one would then fail every later commit
   * with "statement is not executing", long after the disk has room again.
   */
  private void forgetStatements() {
    for (PreparedStatement ps : statements.values()) {
      closeQuietly(ps);
    }
    statements.clear();
  }

  private void restoreAutoCommit() {
    try {
      writer.setAutoCommit(true);
    } catch (SQLException e) {
      // The transaction was rolled back or committed already; the connection is reset below
      // on the next commit if it stays unusable.
      LOG.warn("SQLite: restoring autocommit on {} failed: {}", file, plain(e));
    }
  }

  private StoreException failure(Exception e) {
    if (e instanceof StoreException se) {
      return se;
    }
    String what = e instanceof SQLException sql ? plain(sql) : String.valueOf(e.getMessage());
    return new StoreException("SQLite: cannot commit to " + file + ": " + what, e);
  }

  /** The driver's error in plain words, naming the conditions an operator can fix. */
  static String plain(SQLException e) {
    if (e instanceof SQLiteException lite) {
      SQLiteErrorCode code = lite.getResultCode();
      String hint =
          switch (code.code & 0xff) {
            case 13 -> "the disk is full (SQLITE_FULL)";
            case 10 -> "the disk could not be read or written (SQLITE_IOERR)";
            case 8 -> "the database file is read-only (SQLITE_READONLY)";
            case 11, 26 -> "the database file is damaged or not a database (" + code.name() + ")";
            case 5, 6 -> "the database is locked by another process (" + code.name() + ")";
            default -> null;
          };
      if (hint != null) {
        return hint;
      }
    }
    return e.getMessage();
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception ignored) {
        // Closing on the way out: nothing more to do with it.
      }
    }
  }
}
