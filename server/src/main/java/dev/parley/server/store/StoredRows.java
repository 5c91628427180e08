package dev.parley.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.api.FloorPolicy;
import dev.parley.api.Message;
import dev.parley.api.MessageKind;
import dev.parley.api.ParticipantKind;
import dev.parley.api.RoomOptions;
import dev.parley.api.SystemEvent;
import dev.parley.api.SystemEventType;
import dev.parley.spec.Json;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * The rows both SQL stores share: the same columns hold the same values in SQLite and in
 * PostgreSQL, so a message, a list of strings or a floor policy is read and written in one way.
 */
final class StoredRows {
  /** The columns of a message, in the order {@link #message} reads them. */
  static final String MESSAGE_COLUMNS =
      "seq, sender, actor, kind, content, timestamp, mentions, event_type, event_user, based_on,"
          + " stale, event_kind, sender_kind, event_by, event_until, event_count";

  /** The placeholders of a message's row: its room, then {@link #MESSAGE_COLUMNS}. */
  static final String MESSAGE_PLACEHOLDERS = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?";

  private static final ObjectMapper JSON = Json.mapper();
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private StoredRows() {}

  /** The message of {@code room} in the current row, its columns {@link #MESSAGE_COLUMNS}. */
  static StoredMessage message(String room, ResultSet rs) throws SQLException {
    long seq = rs.getLong(1);
    String eventType = rs.getString(8);
    SystemEvent event =
        eventType == null
            ? null
            : new SystemEvent(
                SystemEventType.valueOf(eventType.toUpperCase(Locale.ROOT)),
                rs.getString(9),
                rs.getString(12) == null ? null : kind(rs.getString(12)),
                rs.getString(14),
                rs.getString(15),
                nullableInt(rs, 16));
    Message m =
        new Message(
            MessageIds.of(seq),
            seq,
            rs.getString(2),
            room,
            rs.getString(5),
            rs.getString(6),
            MessageKind.valueOf(rs.getString(4).toUpperCase(Locale.ROOT)),
            strings(rs.getString(7)),
            event,
            nullableLong(rs, 10),
            nullableBoolean(rs, 11),
            rs.getString(13) == null ? null : kind(rs.getString(13)),
            null);
    return new StoredMessage(seq, m, rs.getString(3));
  }

  /** The values of {@code message} for {@link #MESSAGE_COLUMNS}, after its room. */
  static Object[] messageValues(StoredMessage message) {
    Message m = message.message();
    SystemEvent event = m.event();
    return new Object[] {
      m.room(),
      message.seq(),
      m.senderId(),
      message.actor(),
      m.kind().wireName(),
      m.content(),
      m.timestamp(),
      json(m.mentions()),
      event == null ? null : event.type().wireName(),
      event == null ? null : event.user(),
      m.basedOn(),
      m.stale(),
      event == null || event.kind() == null ? null : event.kind().wireName(),
      m.senderKind() == null ? null : m.senderKind().wireName(),
      event == null ? null : event.by(),
      event == null ? null : event.until(),
      event == null ? null : event.count()
    };
  }

  static Long nullableLong(ResultSet rs, int column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }

  static Boolean nullableBoolean(ResultSet rs, int column) throws SQLException {
    boolean value = rs.getBoolean(column);
    return rs.wasNull() ? null : value;
  }

  /**
   * A room's options as its column holds them: JSON, or NULL for a room stored before them. An
   * option the JSON lacks came after the room was stored, and is off, as the room behaved then.
   */
  static RoomOptions options(String json) {
    if (json == null) {
      return RoomRecord.LEGACY;
    }
    try {
      RoomOptions stored = JSON.readValue(json, RoomOptions.class);
      RoomOptions off = RoomRecord.LEGACY;
      return new RoomOptions(
          stored.humanFirst() != null ? stored.humanFirst() : off.humanFirst(),
          stored.mentionWakesPerMinute() != null
              ? stored.mentionWakesPerMinute()
              : off.mentionWakesPerMinute(),
          stored.maxAgentRun() != null ? stored.maxAgentRun() : off.maxAgentRun());
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A room's moderation state as its column holds it: JSON, or NULL for none. */
  static RoomControls controls(String json) {
    if (json == null) {
      return RoomControls.NONE;
    }
    try {
      return JSON.readValue(json, RoomControls.class);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String json(RoomControls controls) {
    try {
      return JSON.writeValueAsString(controls);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String json(RoomOptions options) {
    try {
      return JSON.writeValueAsString(options);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Integer nullableInt(ResultSet rs, int column) throws SQLException {
    int value = rs.getInt(column);
    return rs.wasNull() ? null : value;
  }

  static ParticipantKind kind(String wire) {
    return ParticipantKind.valueOf(wire.toUpperCase(Locale.ROOT));
  }

  static FloorPolicy floor(String wire) {
    return FloorPolicy.valueOf(wire.toUpperCase(Locale.ROOT));
  }

  static String json(List<String> values) {
    try {
      return JSON.writeValueAsString(values);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> strings(String json) {
    try {
      return JSON.readValue(json, STRINGS);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
