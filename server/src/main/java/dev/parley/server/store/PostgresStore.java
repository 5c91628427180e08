package dev.parley.server.store;

import static dev.parley.server.store.StoredRows.MESSAGE_COLUMNS;
import static dev.parley.server.store.StoredRows.json;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.postgresql.PGProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's data in a PostgreSQL database: the same tables as {@link SqliteStore}, migrated by
 * Flyway from {@code db/postgresql}. Each commit (the engine's batch of many calls' changes) is one
 * transaction on a connection of a HikariCP pool; reads take another connection of the pool.
 * PostgreSQL's default {@code synchronous_commit} makes a commit durable before it returns.
 *
 * <p>Several daemons may serve one database together, each room served by one of them at a time
 * (see {@code dev.parley.server.cluster.RoomOwners}). Each open store holds a shared PostgreSQL
 * advisory lock on a connection of its own for as long as it is open; {@code parley copy}, which
 * must be alone with the database, takes the same lock exclusively and is refused while a daemon
 * serves it. PostgreSQL drops a lock when its connection ends, however the daemon ends.
 */
public final class PostgresStore extends SqlStore {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresStore.class);

  /**
   * The advisory lock's two keys: "parl" in ASCII, then 1 for "the daemons serving this database".
   */
  private static final int LOCK_CLASS = 0x7061726c;

  private static final int LOCK_DAEMON = 1;
  private static final int POOL_SIZE = 8;

  private final PostgresDatabase db;
  private final HikariDataSource pool;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final boolean readOnly;

  /** The connection that holds the advisory lock, or null for a reader. */
  private final Connection lockHolder;

  /** The data directory's lock (for the conversation logs beside the database), or null. */
  private final DataDirectoryLock dirLock;

  private PostgresStore(
      PostgresDatabase db,
      HikariDataSource pool,
      Connection lockHolder,
      DataDirectoryLock dirLock,
      boolean readOnly) {
    super(
        pool,
        "id",
        e -> "PostgreSQL: reading " + db + " failed: " + PostgresErrors.firstLine(e.getMessage()));
    this.db = db;
    this.pool = pool;
    this.lockHolder = lockHolder;
    this.dirLock = dirLock;
    this.readOnly = readOnly;
  }

  /**
   * Connects to {@code db}, takes it for this daemon and brings its schema up to date.
   *
   * @param dataDir a directory to lock as well (where the daemon writes its conversation logs), or
   *     null
   * @throws IllegalStateException when the database cannot be reached, refuses the credentials, is
   *     served by another daemon or holds a schema this build does not know, in one sentence
   */
  public static PostgresStore open(PostgresDatabase db, Path dataDir) {
    return open(db, dataDir, true);
  }

  /**
   * As {@link #open(PostgresDatabase, Path)}, alone: refused while any daemon serves {@code db},
   * and no daemon starts on it while this store is open (as {@code parley copy} needs).
   */
  public static PostgresStore openAlone(PostgresDatabase db) {
    return open(db, null, false);
  }

  private static PostgresStore open(PostgresDatabase db, Path dataDir, boolean shared) {
    DataDirectoryLock dirLock = dataDir == null ? null : DataDirectoryLock.acquire(dataDir);
    Connection holder = null;
    HikariDataSource pool = null;
    try {
      holder = lock(db, shared);
      pool = pool(db, false);
      migrate(db, pool);
      return new PostgresStore(db, pool, holder, dirLock, false);
    } catch (RuntimeException e) {
      closeQuietly(pool);
      closeQuietly(holder);
      closeQuietly(dirLock);
      throw e;
    }
  }

  /**
   * Connects to {@code db} only to read it, as {@code parley export} does beside a running daemon:
   * no lock, no migration; every write fails.
   */
  public static PostgresStore openReadOnly(PostgresDatabase db) {
    Connection probe = connect(db);
    closeQuietly(probe);
    return new PostgresStore(db, pool(db, true), null, null, true);
  }

  /** Applies the migrations of {@code db/postgresql} to {@code pool}'s database. */
  private static void migrate(PostgresDatabase db, HikariDataSource pool) {
    try {
      MigrateResult result =
          Flyway.configure().dataSource(pool).locations("classpath:db/postgresql").load().migrate();
      if (result.migrationsExecuted > 0) {
        LOG.info("Database {} migrated to schema version {}", db, result.targetSchemaVersion);
      }
    } catch (RuntimeException e) {
      throw PostgresErrors.explain(db, e);
    }
  }

  private static Connection lock(PostgresDatabase db, boolean shared) {
    Connection c = connect(db);
    try {
      boolean taken;
      try (PreparedStatement ps =
          c.prepareStatement(
              shared
                  ? "SELECT pg_try_advisory_lock_shared(?, ?)"
                  : "SELECT pg_try_advisory_lock(?, ?)")) {
        ps.setInt(1, LOCK_CLASS);
        ps.setInt(2, LOCK_DAEMON);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          taken = rs.getBoolean(1);
        }
      }
      if (!taken) {
        String holder = holder(c);
        throw new IllegalStateException(
            "PostgreSQL database "
                + db
                + (shared
                    ? " is being copied into"
                        + (holder == null ? "" : " (" + holder + ")")
                        + ": start the daemon once the copy is done"
                    : " is in use by a Parley daemon"
                        + (holder == null ? "" : " (" + holder + ")")
                        + ": stop every daemon on it first"));
      }
      return c;
    } catch (SQLException e) {
      closeQuietly(c);
      throw PostgresErrors.explain(db, e);
    } catch (RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  /** Who holds the lock, from its connection's application name, when this role may see it. */
  private static String holder(Connection c) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT a.application_name, a.client_addr FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                + " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ? AND l.objid = ?"
                + " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
      ps.setInt(1, LOCK_CLASS);
      ps.setInt(2, LOCK_DAEMON);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next() || rs.getString(1) == null || rs.getString(1).isEmpty()) {
          return null;
        }
        String address = rs.getString(2);
        return rs.getString(1) + (address == null ? "" : " connected from " + address);
      }
    }
  }

  private static Properties properties(PostgresDatabase db) {
    Properties p = new Properties();
    if (db.password() != null) {
      p.setProperty(PGProperty.PASSWORD.getName(), db.password());
    }
    p.setProperty(PGProperty.APPLICATION_NAME.getName(), applicationName());
    p.setProperty(PGProperty.CONNECT_TIMEOUT.getName(), "10");
    p.setProperty(PGProperty.TCP_KEEP_ALIVE.getName(), "true");
    return p;
  }

  /** How this process shows in {@code pg_stat_activity}, so that a refused second one names it. */
  private static String applicationName() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "unknown host";
    }
    return "Parley pid " + ProcessHandle.current().pid() + " on " + host;
  }

  /**
   * A new connection of its own to this store's database, outside the pool, for what must live on
   * one connection: session-level advisory locks and LISTEN. The caller closes it.
   */
  public Connection dedicatedConnection() {
    try {
      Properties p = properties(db);
      // A connection whose peer vanished fails its next call instead of blocking forever.
      p.setProperty(PGProperty.SOCKET_TIMEOUT.getName(), "30");
      return DriverManager.getConnection(db.jdbcUrl(), p);
    } catch (SQLException e) {
      throw PostgresErrors.explain(db, e);
    }
  }

  /** The secret the daemons of this database share, made by its migrations. */
  public String clusterSecret() {
    return query("SELECT secret FROM cluster WHERE id = 1", rs -> rs.getString(1)).get(0);
  }

  /** The database this store is in, as the user named it (never with a password). */
  public PostgresDatabase database() {
    return db;
  }

  private static Connection connect(PostgresDatabase db) {
    try {
      return DriverManager.getConnection(db.jdbcUrl(), properties(db));
    } catch (SQLException e) {
      throw PostgresErrors.explain(db, e);
    }
  }

  private static HikariDataSource pool(PostgresDatabase db, boolean readOnly) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.jdbcUrl());
    config.setPoolName(readOnly ? "parley-postgresql-reader" : "parley-postgresql");
    config.setMaximumPoolSize(readOnly ? 2 : POOL_SIZE);
    config.setReadOnly(readOnly);
    config.setDataSourceProperties(properties(db));
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw PostgresErrors.explain(db, e);
    }
  }

  @Override
  public boolean durable() {
    return true;
  }

  @Override
  public void commit(List<Write> writes) {
    commit(writes, Map.of());
  }

  @Override
  public void commit(List<Write> writes, Map<String, Long> owners) {
    if (readOnly) {
      throw new IllegalStateException("this store was opened read-only");
    }
    if (writes.isEmpty()) {
      return;
    }
    writeLock.lock();
    try (Connection c = pool.getConnection()) {
      Map<String, PreparedStatement> statements = new HashMap<>();
      c.setAutoCommit(false);
      try {
        fence(c, owners);
        for (Write w : writes) {
          apply(c, statements, w);
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        rollback(c, e);
        throw failure(e);
      } finally {
        statements.values().forEach(PostgresStore::closeQuietly);
      }
    } catch (SQLException e) {
      throw failure(e);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Refuses the transaction unless every room of {@code owners} still has the epoch given. FOR
   * SHARE holds the rows until the commit: a new owner's takeover (an UPDATE of the row) waits for
   * this commit, and this commit sees a takeover that came first.
   */
  private static void fence(Connection c, Map<String, Long> owners) throws SQLException {
    if (owners.isEmpty()) {
      return;
    }
    Map<String, Long> found = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT room, epoch FROM room_owners WHERE room = ANY (?) FOR SHARE")) {
      ps.setArray(1, c.createArrayOf("text", owners.keySet().toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          found.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    Set<String> lost = new TreeSet<>();
    owners.forEach(
        (room, epoch) -> {
          if (!epoch.equals(found.get(room))) {
            lost.add(room);
          }
        });
    if (!lost.isEmpty()) {
      throw new FencedException(lost);
    }
  }

  private void apply(Connection c, Map<String, PreparedStatement> statements, Write w)
      throws SQLException {
    Batch sql = (text, args) -> update(c, statements, text, args);
    switch (w) {
      case Write.CreateRoom r ->
          sql.run(
              "INSERT INTO rooms (name, floor, options) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
              r.room(),
              r.floor().wireName(),
              StoredRows.json(r.options()));
      case Write.AppendMessage a ->
          sql.run(
              "INSERT INTO messages (room, "
                  + MESSAGE_COLUMNS
                  + ") VALUES ("
                  + StoredRows.MESSAGE_PLACEHOLDERS
                  + ")",
              StoredRows.messageValues(a.message()));
      case Write.SaveSession save -> {
        SessionRecord s = save.session();
        sql.run(
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
          sql.run("DELETE FROM sessions WHERE token_hash = ?", d.tokenHash());
      case Write.SaveReplay r -> {
        PushReplay p = r.replay();
        // Delete and insert, as SQLite's INSERT OR REPLACE does: a replaced replay is the newest.
        sql.run(
            "DELETE FROM push_replays WHERE token_hash = ? AND txn_id = ?",
            p.tokenHash(),
            p.txnId());
        sql.run(
            "INSERT INTO push_replays (token_hash, txn_id, seq, timestamp) VALUES (?, ?, ?, ?)",
            p.tokenHash(),
            p.txnId(),
            p.seq(),
            p.timestamp());
        sql.run(
            "DELETE FROM push_replays WHERE token_hash = ? AND id <= "
                + "(SELECT id FROM push_replays WHERE token_hash = ? ORDER BY id DESC OFFSET ? LIMIT 1)",
            p.tokenHash(),
            p.tokenHash(),
            r.keep());
      }
      case Write.SaveDraftReplay r -> {
        DraftReplay d = r.replay();
        sql.run(
            "DELETE FROM draft_replays WHERE token_hash = ? AND method = ? AND txn_id = ?",
            d.tokenHash(),
            d.method(),
            d.txnId());
        sql.run(
            "INSERT INTO draft_replays (token_hash, method, txn_id, status, suffix, draft_length, truncated) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)",
            d.tokenHash(),
            d.method(),
            d.txnId(),
            d.status(),
            d.suffix(),
            d.draftLength(),
            d.truncated());
        sql.run(
            "DELETE FROM draft_replays WHERE token_hash = ? AND id <= "
                + "(SELECT id FROM draft_replays WHERE token_hash = ? ORDER BY id DESC OFFSET ? LIMIT 1)",
            d.tokenHash(),
            d.tokenHash(),
            r.keep());
      }
      case Write.SaveControls ctl ->
          sql.run(
              "UPDATE rooms SET controls = ? WHERE name = ?",
              StoredRows.json(ctl.controls()),
              ctl.room());
      case Write.SaveStick st ->
          sql.run(
              "UPDATE rooms SET stick_holder = ?, stick_claimed_at = ? WHERE name = ?",
              st.holder(),
              st.claimedAt() == null ? null : st.claimedAt().toEpochMilli(),
              st.room());
      case Write.DeleteRoom d -> {
        sql.run(
            "DELETE FROM push_replays WHERE token_hash IN (SELECT token_hash FROM sessions WHERE room = ?)",
            d.room());
        sql.run(
            "DELETE FROM draft_replays WHERE token_hash IN (SELECT token_hash FROM sessions WHERE room = ?)",
            d.room());
        sql.run("DELETE FROM sessions WHERE room = ?", d.room());
        sql.run("DELETE FROM messages WHERE room = ?", d.room());
        sql.run("DELETE FROM rooms WHERE name = ?", d.room());
      }
    }
  }

  /** One statement of a commit, prepared once per commit. */
  private static void update(
      Connection c, Map<String, PreparedStatement> statements, String sql, Object... args)
      throws SQLException {
    PreparedStatement ps = statements.get(sql);
    if (ps == null) {
      ps = c.prepareStatement(sql);
      statements.put(sql, ps);
    }
    bind(ps, args);
    ps.executeUpdate();
  }

  private static void rollback(Connection c, Exception failure) {
    try {
      c.rollback();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

  private StoreException failure(Exception e) {
    if (e instanceof StoreException se) {
      return se;
    }
    return new StoreException(
        "PostgreSQL: cannot commit to " + db + ": " + PostgresErrors.firstLine(e.getMessage()), e);
  }

  @Override
  public void close() {
    writeLock.lock();
    try {
      pool.close();
      // Released before the connection goes: a closed connection's backend drops its locks only
      // once it has exited, after close returned, and a copy started right after would find the
      // database still in use.
      if (lockHolder != null) {
        try (Statement st = lockHolder.createStatement()) {
          st.execute("SELECT pg_advisory_unlock_all()");
        } catch (SQLException e) {
          // The connection is gone already, and its locks with it.
        }
        closeQuietly(lockHolder);
      }
    } finally {
      writeLock.unlock();
      closeQuietly(dirLock);
    }
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

  @FunctionalInterface
  private interface Batch {
    void run(String sql, Object... args) throws SQLException;
  }
}
