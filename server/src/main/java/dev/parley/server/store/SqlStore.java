package dev.parley.server.store;

import static dev.parley.server.store.StoredRows.MESSAGE_COLUMNS;
import static dev.parley.server.store.StoredRows.floor;
import static dev.parley.server.store.StoredRows.nullableInt;
import static dev.parley.server.store.StoredRows.strings;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * What both SQL stores share: the same reads of the same columns, each on a pooled connection of
 * its own. Rows come back in the order they were inserted, which each database names its own way
 * ({@code rowid} in SQLite, an identity {@code id} in PostgreSQL). Writing, opening and closing are
 * each store's own.
 */
abstract sealed class SqlStore implements Store permits SqliteStore, PostgresStore {
  /** Reads one row of a result. */
  @FunctionalInterface
  interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private final DataSource readers;
  private final String insertionOrder;
  private final Function<SQLException, String> failure;

  /**
   * @param readers the connections reads run on
   * @param insertionOrder the column that orders a table's rows as they were inserted
   * @param failure what a failed read says: the store and the cause, in one line
   */
  SqlStore(DataSource readers, String insertionOrder, Function<SQLException, String> failure) {
    this.readers = readers;
    this.insertionOrder = insertionOrder;
    this.failure = failure;
  }

  @Override
  public final List<RoomRecord> rooms() {
    return query(
        "SELECT name, floor, stick_holder, stick_claimed_at, options, controls FROM rooms ORDER BY id",
        SqlStore::roomRecord);
  }

  private static RoomRecord roomRecord(ResultSet rs) throws SQLException {
    long claimed = rs.getLong(4);
    return new RoomRecord(
        rs.getString(1),
        floor(rs.getString(2)),
        rs.getString(3),
        rs.wasNull() ? null : Instant.ofEpochMilli(claimed),
        StoredRows.options(rs.getString(5)),
        StoredRows.controls(rs.getString(6)));
  }

  @Override
  public final long lastSeq(String room) {
    return query(
            "SELECT COALESCE(MAX(seq), 0) FROM messages WHERE room = ?", rs -> rs.getLong(1), room)
        .get(0);
  }

  @Override
  public final int agentRun(String room, int atMost) {
    // Found from the end by the primary key (room, seq), then counted, at most atMost rows.
    return query(
            "SELECT COUNT(*) FROM (SELECT 1 FROM messages WHERE room = ? AND kind = 'chat' AND seq >"
                + " COALESCE((SELECT seq FROM messages WHERE room = ? AND ((kind = 'chat' AND"
                + " (sender_kind IS NULL OR sender_kind <> 'agent')) OR event_type = 'continued')"
                + " ORDER BY seq DESC LIMIT 1), 0) ORDER BY seq LIMIT ?) AS run",
            rs -> rs.getInt(1),
            room,
            room,
            atMost)
        .get(0);
  }

  @Override
  public final List<StoredMessage> after(String room, long afterSeq, int limit) {
    return query(
        "SELECT "
            + MESSAGE_COLUMNS
            + " FROM messages WHERE room = ? AND seq > ? ORDER BY seq LIMIT ?",
        rs -> StoredRows.message(room, rs),
        room,
        afterSeq,
        limit);
  }

  @Override
  public final List<StoredMessage> before(String room, long beforeSeq, int limit) {
    return query(
            "SELECT "
                + MESSAGE_COLUMNS
                + " FROM messages WHERE room = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
            rs -> StoredRows.message(room, rs),
            room,
            beforeSeq,
            limit)
        .reversed();
  }

  @Override
  public final List<SessionRecord> sessions() {
    return query(
        "SELECT token_hash, username, room, cursor, draft, last_active, kind, moderator, since_seq FROM sessions ORDER BY "
            + insertionOrder,
        SqlStore::sessionRecord);
  }

  private static SessionRecord sessionRecord(ResultSet rs) throws SQLException {
    return new SessionRecord(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getLong(4),
        strings(rs.getString(5)),
        Instant.ofEpochMilli(rs.getLong(6)),
        StoredRows.kind(rs.getString(7)),
        rs.getBoolean(8),
        rs.getLong(9));
  }

  @Override
  public final Optional<RoomRecord> room(String name) {
    return query(
            "SELECT name, floor, stick_holder, stick_claimed_at, options, controls FROM rooms WHERE name = ?",
            SqlStore::roomRecord,
            name)
        .stream()
        .findFirst();
  }

  @Override
  public final List<SessionRecord> sessions(String room) {
    return query(
        "SELECT token_hash, username, room, cursor, draft, last_active, kind, moderator, since_seq FROM sessions WHERE"
            + " room = ?"
            + " ORDER BY "
            + insertionOrder,
        SqlStore::sessionRecord,
        room);
  }

  @Override
  public final Optional<String> sessionRoom(String tokenHash) {
    return query("SELECT room FROM sessions WHERE token_hash = ?", rs -> rs.getString(1), tokenHash)
        .stream()
        .findFirst();
  }

  @Override
  public final List<RoomCount> roomCounts() {
    return query(
        "SELECT r.name, r.floor, (SELECT COUNT(*) FROM sessions s WHERE s.room = r.name),"
            + " (SELECT COALESCE(MAX(seq), 0) FROM messages m WHERE m.room = r.name)"
            + " FROM rooms r ORDER BY r.id",
        rs -> new RoomCount(rs.getString(1), floor(rs.getString(2)), rs.getInt(3), rs.getLong(4)));
  }

  @Override
  public final List<PushReplay> replays(String tokenHash) {
    return query(
        "SELECT txn_id, seq, timestamp FROM push_replays WHERE token_hash = ? ORDER BY "
            + insertionOrder,
        rs -> new PushReplay(tokenHash, rs.getString(1), rs.getLong(2), rs.getString(3)),
        tokenHash);
  }

  @Override
  public final List<DraftReplay> draftReplays(String tokenHash) {
    return query(
        "SELECT method, txn_id, status, suffix, draft_length, truncated FROM draft_replays "
            + "WHERE token_hash = ? ORDER BY "
            + insertionOrder,
        rs ->
            new DraftReplay(
                tokenHash,
                rs.getString(1),
                rs.getString(2),
                rs.getInt(3),
                rs.getString(4),
                nullableInt(rs, 5),
                nullableInt(rs, 6)),
        tokenHash);
  }

  /** The schema version the database is at, as Flyway recorded it; null before any migration. */
  public final String schemaVersion() {
    return query(
            "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank DESC"
                + " LIMIT 1",
            rs -> rs.getString(1))
        .stream()
        .findFirst()
        .orElse(null);
  }

  /** Runs {@code sql} with {@code args} and reads every row of its result. */
  final <T> List<T> query(String sql, Row<T> row, Object... args) {
    try (Connection c = readers.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        List<T> out = new ArrayList<>();
        while (rs.next()) {
          out.add(row.read(rs));
        }
        return out;
      }
    } catch (SQLException e) {
      throw new StoreException(failure.apply(e), e);
    }
  }

  /** Sets {@code args} as the statement's parameters, in order. */
  static void bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
  }
}
