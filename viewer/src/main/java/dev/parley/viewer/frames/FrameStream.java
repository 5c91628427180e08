package dev.parley.viewer.frames;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.spec.SystemMessages;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns conversation log lines into observer frames: {@code chat_message} (with
 * {@code parsed_content}), {@code activity} and {@code presence}. Live rooms and replayed logs
 * both go through here, line by line, so a viewer cannot tell them apart. Presence is derived
 * from the lines themselves (a call to {@code check} means waiting, an append's answer tells the
 * draft), which is why one stream must see a room's lines in order. Thread-safe.
 */
public final class FrameStream {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SUMMARY_CHARS = 80;

  /** Presence by room, then user, in order of appearance. */
  private final Map<String, Map<String, Presence>> rooms = new LinkedHashMap<>();

  /** The frames one log line makes, in the order to send them. */
  public synchronized List<ObjectNode> frames(JsonNode line) throws MalformedLineException {
    if (line == null || !line.isObject()) {
      throw new MalformedLineException("not a JSON object");
    }
    if (!line.path("user").isTextual() || !line.path("content").isTextual()) {
      throw new MalformedLineException("no textual user and content");
    }
    String user = line.get("user").asText();
    String room = line.path("room").isTextual() ? line.get("room").asText() : null;
    String timestamp = line.path("timestamp").isTextual() ? line.get("timestamp").asText() : Instant.now().toString();
    String hint = line.path("type").isTextual() ? line.get("type").asText() : null;
    ParsedContent parsed = ContentParser.parse(user, hint, line.get("content").asText());

    List<ObjectNode> out = new ArrayList<>();
    ObjectNode message = frame("chat_message", timestamp, room);
    if (line.path("message_id").isTextual()) {
      message.put("message_id", line.get("message_id").asText());
    }
    message.set("parsed_content", parsed.toJson());
    out.add(message);
    if (!"system".equals(parsed.type())) {
      Presence p = presence(room, user);
      if (p.state == null) {
        // First sight of someone whose join the log does not show (seed 000's logs have none).
        change(out, timestamp, room, user, p, "idle");
      }
    }
    switch (parsed.type()) {
      case "tool_call" -> called(out, timestamp, room, user, parsed);
      case "tool_response" -> answered(out, timestamp, room, user, line.path("method").asText(null), parsed.content());
      case "system" -> system(out, timestamp, room, parsed.content());
      default -> { }
    }
    return out;
  }

  /** The {@code welcome} frame for an observer of {@code room} (null: every room). */
  public synchronized ObjectNode welcome(String room, String mode) {
    ObjectNode welcome = frame("welcome", Instant.now().toString(), room);
    welcome.put("mode", mode);
    ArrayNode participants = welcome.putArray("participants");
    rooms.forEach((r, users) -> {
      if (room == null || room.equals(r)) {
        users.forEach((user, p) -> {
          if (p.state != null) {
            participants.add(presenceFrame(p, null, r, user));
          }
        });
      }
    });
    return welcome;
  }

  /** Forgets all presence, as at the start of a replay loop. */
  public synchronized void reset() {
    rooms.clear();
  }

  private void called(List<ObjectNode> out, String timestamp, String room, String user, ParsedContent call) {
    Presence p = presence(room, user);
    p.pendingMethod = call.function();
    ObjectNode activity = activity(timestamp, room, user, call.function(), "started");
    activity.put("summary", summary(call.arguments()));
    out.add(activity);
    if ("check".equals(call.function())) {
      p.pendingChecks++;
      change(out, timestamp, room, user, p, p.state());
    }
  }

  /**
   * The end of an action. The daemon's lines say which action ends (a participant's calls may
   * overlap: a check waits while it appends); seed 000's do not, so the last call is assumed.
   */
  private void answered(List<ObjectNode> out, String timestamp, String room, String user, String lineMethod,
      String content) {
    Presence p = presence(room, user);
    String method = lineMethod != null ? lineMethod : p.pendingMethod == null ? "" : p.pendingMethod;
    p.pendingMethod = null;
    if ("check".equals(method) && p.pendingChecks > 0) {
      p.pendingChecks--;
    }
    JsonNode result = parse(content);
    String status;
    if (result.has("error")) {
      status = "error " + result.path("error").path("code").asText() + ": " + result.path("error").path("message").asText();
    } else {
      status = status(method, result);
      if (result.has("draft_length")) {
        p.draftSuffix = result.path("draft_length").asInt() > 0 ? result.path("suffix").asText() : "";
      } else if (result.has("draft")) {
        p.draftSuffix = tail(result.path("draft").asText());
      } else if (("push".equals(method) && result.path("status").asInt() == 1) || "reset".equals(method)) {
        p.draftSuffix = "";
      }
    }
    out.add(activity(timestamp, room, user, method, status));
    change(out, timestamp, room, user, p, p.state());
  }

  private static String status(String method, JsonNode result) {
    int code = result.path("status").asInt(-1);
    return switch (method) {
      case "push" -> Boolean.TRUE.equals(result.path("interrupted").asBoolean(false)) ? "interrupted"
          : code == 1 ? "sent " + result.path("message_id").asText() : "not sent";
      case "check" -> code == 1 ? "woke" : "timed out";
      case "append" -> code == 2 ? "truncated" : code == 0 ? "refused" : "appended";
      case "undo" -> code == 1 ? "undone" : "nothing to undo";
      case "talking_stick" -> result.path("granted").asBoolean() ? "granted" : "refused";
      default -> "ok";
    };
  }

  private void system(List<ObjectNode> out, String timestamp, String room, String text) {
    SystemMessages.parse(text).ifPresent(event -> {
      Presence p = presence(room, event.user());
      p.lastSystem = text;
      switch (event.event()) {
        case JOINED -> change(out, timestamp, room, event.user(), p, "idle");
        case LEFT, EXPIRED -> {
          p.holdsStick = false;
          p.draftSuffix = "";
          p.pendingChecks = 0;
          change(out, timestamp, room, event.user(), p, "left");
        }
        case STICK_CLAIMED -> {
          for (Map.Entry<String, Presence> other : rooms.get(key(room)).entrySet()) {
            if (other.getValue().holdsStick && !other.getKey().equals(event.user())) {
              other.getValue().holdsStick = false;
              out.add(presenceFrame(other.getValue(), timestamp, room, other.getKey()));
            }
          }
          p.holdsStick = true;
          out.add(activity(timestamp, room, event.user(), "talking_stick", "has the floor"));
          out.add(presenceFrame(p, timestamp, room, event.user()));
        }
        case STICK_RELEASED, STICK_EXPIRED -> {
          p.holdsStick = false;
          out.add(activity(timestamp, room, event.user(), "talking_stick",
              event.event() == SystemMessages.Event.STICK_EXPIRED ? "expired" : "released"));
          out.add(presenceFrame(p, timestamp, room, event.user()));
        }
      }
    });
  }

  private void change(List<ObjectNode> out, String timestamp, String room, String user, Presence p, String state) {
    boolean drafting = "drafting".equals(state);
    if (!state.equals(p.state) || (drafting && !Objects.equals(p.shownSuffix, p.draftSuffix))) {
      p.state = state;
      p.shownSuffix = p.draftSuffix;
      out.add(presenceFrame(p, timestamp, room, user));
    }
  }

  private Presence presence(String room, String user) {
    return rooms.computeIfAbsent(key(room), r -> new LinkedHashMap<>()).computeIfAbsent(user, u -> new Presence());
  }

  private static String key(String room) {
    return room == null ? "" : room;
  }

  private static ObjectNode presenceFrame(Presence p, String timestamp, String room, String user) {
    ObjectNode frame = frame("presence", timestamp, room);
    frame.put("user", user);
    frame.put("state", p.state);
    frame.put("holds_stick", p.holdsStick);
    if ("drafting".equals(p.state)) {
      frame.put("draft_suffix", p.draftSuffix);
    }
    if (p.lastSystem != null) {
      frame.put("last_system", p.lastSystem);
    }
    return frame;
  }

  private static ObjectNode activity(String timestamp, String room, String user, String method, String status) {
    ObjectNode frame = frame("activity", timestamp, room);
    frame.put("user", user);
    frame.put("method", method);
    frame.put("status", status);
    return frame;
  }

  private static ObjectNode frame(String type, String timestamp, String room) {
    ObjectNode frame = JSON.createObjectNode();
    frame.put("type", type);
    if (timestamp != null) {
      frame.put("timestamp", timestamp);
    }
    if (room != null && !room.isEmpty()) {
      frame.put("room", room);
    }
    return frame;
  }

  private static JsonNode parse(String json) {
    try {
      JsonNode node = JSON.readTree(json);
      return node == null || !node.isObject() ? JSON.createObjectNode() : node;
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  /** A short summary of an action's arguments for the activity line. */
  private static String summary(String arguments) {
    if (arguments == null) {
      return "";
    }
    String flat = arguments.replaceAll("\\s+", " ").strip();
    return flat.length() <= SUMMARY_CHARS ? flat : flat.substring(0, SUMMARY_CHARS - 1) + "…";
  }

  private static String tail(String draft) {
    int n = draft.codePointCount(0, draft.length());
    return n <= SUMMARY_CHARS ? draft : draft.substring(draft.offsetByCodePoints(0, n - SUMMARY_CHARS));
  }

  /** One participant as observers see it. */
  private static final class Presence {
    /** Null until the participant is first seen. */
    String state;
    boolean holdsStick;
    String draftSuffix = "";
    String shownSuffix = "";
    String pendingMethod;
    /** Checks of this participant still waiting. */
    int pendingChecks;
    String lastSystem;

    /** Waiting while a check is pending, else drafting while the draft is non-empty, else idle. */
    String state() {
      return pendingChecks > 0 ? "waiting" : draftSuffix.isEmpty() ? "idle" : "drafting";
    }
  }
}
