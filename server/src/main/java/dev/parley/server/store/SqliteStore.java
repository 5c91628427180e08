package dev.parley.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.parley.api.FloorPolicy;
import dev.parley.api.Message;
import dev.parley.api.MessageKind;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: one SQLite database ({@code parley.db}) in the data directory, in WAL
 * mode. All writes go through one connection behind one lock, so writers queue in the JVM and
 * never meet {@code SQLITE_BUSY}; reads use a small pool of read-only connections, which WAL
 * lets run beside the writer. Commits are synchronous ({@code synchronous=FULL}): a push that
 * was answered survives a crash or a power cut.
 */
public final class SqliteStore implements Store {
  /** The database file inside the data directory. */
  public static final String DATABASE = "parley.db";
  private static final Logger LOG = LoggerFactory.getLogger(SqliteStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final String MESSAGE_COLUMNS = "seq, sender, actor, kind, content, timestamp, mentions";

  private final Connection writer;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final HikariDataSource readers;
  private final Map<String, Long> lastSeq = new ConcurrentHashMap<>();
  /** The data directory's lock, held until close; null for a read-only store. */
  private DataDirectoryLock lock;

  private SqliteStore(Connection writer, HikariDataSource readers) {
    this.writer = writer;
    this.readers = readers;
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
      return new SqliteStore(writer, readers(url));
    } catch (SQLException | RuntimeException e) {
      closeQuietly(writer);
      throw OpenErrors.explain(file, e);
    }
  }

  /**
   * Opens the database in {@code dataDir} only to read it, as {@code parley export} does beside
   * a running daemon: no migration, no writer connection; every write fails.
   */
  public static SqliteStore openReadOnly(Path dataDir) {
    Path file = dataDir.resolve(DATABASE);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("no Parley database in " + dataDir.toAbsolutePath());
    }
    OpenErrors.checkFile(file);
    try {
      return new SqliteStore(null, readers("jdbc:sqlite:" + file.toAbsolutePath()));
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
    MigrateResult result = Flyway.configure()
        .dataSource(url, null, null)
        .locations("classpath:db/migration")
        .load()
        .migrate();
    if (result.migrationsExecuted > 0) {
      LOG.info("Database {} migrated to schema version {}", url, result.targetSchemaVersion);
    }
  }

  @Override
  public FloorPolicy ensureRoom(String room, FloorPolicy floor) {
    return transaction(() -> {
      update("INSERT OR IGNORE INTO rooms (name, floor) VALUES (?, ?)", room, floor.wireName());
      return query("SELECT floor FROM rooms WHERE name = ?", rs -> floor(rs.getString(1)), room).get(0);
    });
  }

  @Override
  public List<RoomRecord> rooms() {
    return query("SELECT name, floor, stick_holder, stick_claimed_at FROM rooms ORDER BY id", rs -> {
      long claimed = rs.getLong(4);
      return new RoomRecord(rs.getString(1), floor(rs.getString(2)), rs.getString(3),
          rs.wasNull() ? null : Instant.ofEpochMilli(claimed));
    });
  }

  @Override
  public void saveStick(String room, String holder, Instant claimedAt) {
    update("UPDATE rooms SET stick_holder = ?, stick_claimed_at = ? WHERE name = ?",
        holder, claimedAt == null ? null : claimedAt.toEpochMilli(), room);
  }

  @Override
  public StoredMessage append(String room, NewMessage m) {
    return transaction(() -> {
      long seq = lastSeq(room) + 1;
      String timestamp = Timestamps.format(m.timestamp());
      update("INSERT INTO messages (room, " + MESSAGE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          room, seq, m.senderId(), m.actor(), m.kind().wireName(), m.content(), timestamp, json(m.mentions()));
      lastSeq.put(room, seq);
      return new StoredMessage(seq, new Message("msg-" + seq, m.senderId(), room, m.content(), timestamp,
          m.kind(), List.copyOf(m.mentions()), null), m.actor());
    });
  }

  @Override
  public long lastSeq(String room) {
    return lastSeq.computeIfAbsent(room, r ->
        query("SELECT COALESCE(MAX(seq), 0) FROM messages WHERE room = ?", rs -> rs.getLong(1), r).get(0));
  }

  @Override
  public List<StoredMessage> after(String room, long afterSeq, int limit) {
    return query("SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE room = ? AND seq > ? ORDER BY seq LIMIT ?",
        rs -> message(room, rs), room, afterSeq, limit);
  }

  @Override
  public List<StoredMessage> before(String room, long beforeSeq, int limit) {
    List<StoredMessage> newestFirst = query("SELECT " + MESSAGE_COLUMNS
        + " FROM messages WHERE room = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
        rs -> message(room, rs), room, beforeSeq, limit);
    return newestFirst.reversed();
  }

  @Override
  public void saveSession(SessionRecord s) {
    update("INSERT INTO sessions (token_hash, username, room, cursor, draft, last_active) VALUES (?, ?, ?, ?, ?, ?) "
        + "ON CONFLICT (token_hash) DO UPDATE SET cursor = excluded.cursor, draft = excluded.draft, "
        + "last_active = excluded.last_active",
        s.tokenHash(), s.username(), s.room(), s.cursor(), json(s.draft()), s.lastActive().toEpochMilli());
  }

  @Override
  public void deleteSession(String tokenHash) {
    update("DELETE FROM sessions WHERE token_hash = ?", tokenHash);
  }

  @Override
  public List<SessionRecord> sessions() {
    return query("SELECT token_hash, username, room, cursor, draft, last_active FROM sessions ORDER BY rowid",
        rs -> new SessionRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
            strings(rs.getString(5)), Instant.ofEpochMilli(rs.getLong(6))));
  }

  @Override
  public void saveTxn(String tokenHash, String txnId, String resultJson, int keep) {
    transaction(() -> {
      update("INSERT OR REPLACE INTO push_txns (token_hash, txn_id, result) VALUES (?, ?, ?)", tokenHash, txnId, resultJson);
      update("DELETE FROM push_txns WHERE token_hash = ? AND rowid NOT IN "
          + "(SELECT rowid FROM push_txns WHERE token_hash = ? ORDER BY rowid DESC LIMIT ?)", tokenHash, tokenHash, keep);
      return null;
    });
  }

  @Override
  public Map<String, String> txns(String tokenHash) {
    Map<String, String> out = new LinkedHashMap<>();
    query("SELECT txn_id, result FROM push_txns WHERE token_hash = ? ORDER BY rowid",
        rs -> out.put(rs.getString(1), rs.getString(2)), tokenHash);
    return out;
  }

  @Override
  public <T> T transaction(Supplier<T> work) {
    if (writer == null) {
      throw new IllegalStateException("this store was opened read-only");
    }
    writeLock.lock();
    try {
      if (writeLock.getHoldCount() > 1) {
        return work.get();
      }
      Map<String, Long> seqsBefore = new LinkedHashMap<>(lastSeq);
      try {
        writer.setAutoCommit(false);
        T result = work.get();
        writer.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        // Every failure rolls back: restoring autocommit below would otherwise commit half.
        rollback();
        // Sequence numbers handed out inside the failed transaction were never stored.
        lastSeq.clear();
        lastSeq.putAll(seqsBefore);
        if (e instanceof SQLException sql) {
          throw new StoreException("commit failed", sql);
        }
        if (e instanceof Error error) {
          throw error;
        }
        throw (RuntimeException) e;
      } finally {
        autoCommit();
      }
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public void close() {
    readers.close();
    writeLock.lock();
    try {
      closeQuietly(writer);
    } finally {
      writeLock.unlock();
      if (lock != null) {
        lock.close();
      }
    }
  }

  private StoredMessage message(String room, ResultSet rs) throws SQLException {
    long seq = rs.getLong(1);
    String sender = rs.getString(2);
    Message m = new Message("msg-" + seq, sender, room, rs.getString(5), rs.getString(6),
        MessageKind.valueOf(rs.getString(4).toUpperCase(java.util.Locale.ROOT)), strings(rs.getString(7)), null);
    return new StoredMessage(seq, m, rs.getString(3));
  }

  private void update(String sql, Object... args) {
    if (writer == null) {
      throw new IllegalStateException("this store was opened read-only");
    }
    writeLock.lock();
    try (PreparedStatement ps = writer.prepareStatement(sql)) {
      bind(ps, args);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException(sql, e);
    } finally {
      writeLock.unlock();
    }
  }

  /** Reads through the writer inside a transaction of this thread (to see its own writes), else from the pool. */
  private <T> List<T> query(String sql, Row<T> row, Object... args) {
    if (writeLock.isHeldByCurrentThread()) {
      return query(writer, sql, row, args);
    }
    try (Connection c = readers.getConnection()) {
      return query(c, sql, row, args);
    } catch (SQLException e) {
      throw new StoreException(sql, e);
    }
  }

  private static <T> List<T> query(Connection c, String sql, Row<T> row, Object... args) {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        List<T> out = new ArrayList<>();
        while (rs.next()) {
          out.add(row.read(rs));
        }
        return out;
      }
    } catch (SQLException e) {
      throw new StoreException(sql, e);
    }
  }

  private static void bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
  }

  private void rollback() {
    try {
      writer.rollback();
    } catch (SQLException ignored) {
      // The transaction failed already; the original failure is the one to report.
    }
  }

  private void autoCommit() {
    try {
      writer.setAutoCommit(true);
    } catch (SQLException e) {
      throw new StoreException("restoring autocommit", e);
    }
  }

  private static FloorPolicy floor(String wire) {
    return FloorPolicy.valueOf(wire.toUpperCase(java.util.Locale.ROOT));
  }

  private static String json(List<String> values) {
    try {
      return JSON.writeValueAsString(values);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> strings(String json) {
    try {
      return JSON.readValue(json, STRINGS);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // Closing on the way out: nothing more to do with it.
      }
    }
  }

  @FunctionalInterface
  private interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /** A failed database operation: a server fault, reported to clients as an internal error. */
  public static final class StoreException extends RuntimeException {
    StoreException(String what, SQLException cause) {
      super("SQLite: " + what + ": " + cause.getMessage(), cause);
    }
  }
}
