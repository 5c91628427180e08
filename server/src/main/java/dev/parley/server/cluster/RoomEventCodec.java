package dev.parley.server.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.api.Message;
import dev.parley.api.NoteKind;
import dev.parley.api.ParleyMethod;
import dev.parley.api.ParleyRpcException;
import dev.parley.api.PresenceState;
import dev.parley.extension.events.RoomEvent;
import java.time.Instant;
import java.util.Map;

/**
 * A {@link RoomEvent} as JSON and back, the same typed event on the other side: how one daemon
 * tells the others' observers what happened in the rooms it serves. Results are read back as their
 * method's result type and errors as their typed exception.
 */
final class RoomEventCodec {
  private final ObjectMapper mapper;

  /**
   * @param mapper writes and reads the API's types (messages, results, enums) as on the wire
   */
  RoomEventCodec(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** {@code event} as one JSON object. */
  ObjectNode encode(RoomEvent event) {
    ObjectNode out = mapper.createObjectNode();
    out.put("at", event.at().toString());
    switch (event) {
      case RoomEvent.MessageAppended m -> {
        out.put("type", "message");
        out.set("message", mapper.valueToTree(m.message()));
      }
      case RoomEvent.ActionStarted s -> {
        out.put("type", "started");
        who(out, s.room(), s.user()).put("method", s.method());
        out.set("arguments", mapper.valueToTree(s.arguments()));
      }
      case RoomEvent.ActionEnded e -> {
        out.put("type", "ended");
        who(out, e.room(), e.user()).put("method", e.method());
        if (e.result() != null) {
          out.set("result", mapper.valueToTree(e.result()));
        }
        if (e.error() != null) {
          ObjectNode error = out.putObject("error");
          error.put("code", e.error().code());
          error.put("message", e.error().rpcMessage());
          if (e.error().data() != null) {
            error.set("data", mapper.valueToTree(e.error().data()));
          }
        }
      }
      case RoomEvent.NoteAdded n -> {
        out.put("type", "note");
        who(out, n.room(), n.user()).set("kind", mapper.valueToTree(n.kind()));
        out.put("content", n.content());
      }
      case RoomEvent.PresenceChanged p -> {
        out.put("type", "presence");
        who(out, p.room(), p.user()).set("state", mapper.valueToTree(p.state()));
        out.put("holds_stick", p.holdsStick());
      }
      case RoomEvent.SessionEnded s -> {
        out.put("type", "session_ended");
        who(out, s.room(), s.user()).put("expired", s.expired());
      }
      case RoomEvent.RoomDeleted d -> {
        out.put("type", "room_deleted");
        out.put("room", d.room());
      }
    }
    return out;
  }

  /** The event {@link #encode} wrote. */
  RoomEvent decode(JsonNode in) throws JsonProcessingException {
    Instant at = Instant.parse(in.path("at").asText());
    String room = in.path("room").asText();
    String user = in.path("user").asText();
    return switch (in.path("type").asText()) {
      case "message" -> new RoomEvent.MessageAppended(read(in.get("message"), Message.class), at);
      case "started" ->
          new RoomEvent.ActionStarted(
              room, user, in.path("method").asText(), arguments(in.get("arguments")), at);
      case "ended" -> ended(in, room, user, at);
      case "note" ->
          new RoomEvent.NoteAdded(
              room, user, read(in.get("kind"), NoteKind.class), in.path("content").asText(), at);
      case "presence" ->
          new RoomEvent.PresenceChanged(
              room,
              user,
              read(in.get("state"), PresenceState.class),
              in.path("holds_stick").asBoolean(),
              at);
      case "session_ended" ->
          new RoomEvent.SessionEnded(room, user, in.path("expired").asBoolean(), at);
      case "room_deleted" -> new RoomEvent.RoomDeleted(room, at);
      default ->
          throw new IllegalArgumentException("not a room event: " + in.path("type").asText());
    };
  }

  private RoomEvent ended(JsonNode in, String room, String user, Instant at)
      throws JsonProcessingException {
    String method = in.path("method").asText();
    Object result = null;
    if (in.has("result")) {
      Class<?> type =
          ParleyMethod.byWireName(method)
              .<Class<?>>map(ParleyMethod::resultType)
              .orElse(JsonNode.class);
      result = read(in.get("result"), type);
    }
    ParleyRpcException error = null;
    if (in.has("error")) {
      JsonNode e = in.get("error");
      error =
          ParleyRpcException.forCode(
              e.path("code").asInt(),
              e.path("message").asText(),
              e.has("data") ? mapper.treeToValue(e.get("data"), Object.class) : null);
    }
    return new RoomEvent.ActionEnded(room, user, method, result, error, at);
  }

  private ObjectNode who(ObjectNode out, String room, String user) {
    out.put("room", room);
    out.put("user", user);
    return out;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> arguments(JsonNode in) throws JsonProcessingException {
    return in == null ? Map.of() : mapper.treeToValue(in, Map.class);
  }

  private <T> T read(JsonNode in, Class<T> type) throws JsonProcessingException {
    return mapper.treeToValue(in, type);
  }
}
