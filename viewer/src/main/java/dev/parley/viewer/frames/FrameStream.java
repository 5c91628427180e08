package dev.parley.viewer.frames;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.api.AppendResult;
import dev.parley.api.CheckResult;
import dev.parley.api.Message;
import dev.parley.api.MessageKind;
import dev.parley.api.PreviewResult;
import dev.parley.api.PushResult;
import dev.parley.api.ResetResult;
import dev.parley.api.SystemEvent;
import dev.parley.api.SystemEventType;
import dev.parley.api.TalkingStickResult;
import dev.parley.api.UndoResult;
import dev.parley.extension.LogFormat;
import dev.parley.spec.ApiMethods;
import dev.parley.spec.Json;
import dev.parley.spec.PresenceRule;
import dev.parley.spec.PushOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Turns what happens in rooms into observer frames: {@code chat_message} (with {@code
 * parsed_content}), {@code activity} and {@code presence}. A live daemon calls the typed methods
 * with its room events; a replay reads its log lines ({@link #frames(JsonNode)}) into the same
 * calls, so a viewer cannot tell the two apart. Presence follows the actions (a call to {@code
 * check} means waiting, an append's answer tells the draft), which is why one stream must see a
 * room's events in order.
 *
 * <p>Each method takes the list to add its frames to, or null to only follow the room (nobody
 * watches it): then no frame is built. Thread-safe.
 */
public final class FrameStream {
  private static final ObjectMapper JSON = Json.mapper();
  private static final int SUMMARY_CHARS = 80;

  /** Presence by room, then user, in order of appearance. */
  private final Map<String, Map<String, Presence>> rooms = new LinkedHashMap<>();

  /** A replay: the frames one log line makes, in the order to send them. */
  public synchronized List<ObjectNode> frames(JsonNode line) throws MalformedLineException {
    if (line == null || !line.isObject()) {
      throw new MalformedLineException("not a JSON object");
    }
    if (!line.path(LogFormat.USER).isTextual() || !line.path(LogFormat.CONTENT).isTextual()) {
      throw new MalformedLineException("no textual user and content");
    }
    String user = line.get(LogFormat.USER).asText();
    String room = text(line, LogFormat.ROOM);
    String timestamp =
        line.path(LogFormat.TIMESTAMP).isTextual()
            ? line.get(LogFormat.TIMESTAMP).asText()
            : Instant.now().toString();
    ParsedContent parsed =
        ContentParser.parse(user, text(line, LogFormat.TYPE), line.get(LogFormat.CONTENT).asText());
    List<ObjectNode> out = new ArrayList<>();
    if (line.path(LogFormat.NOTE).asBoolean(false)) {
      entry(out, timestamp, room, null, parsed, null);
      return out;
    }
    switch (parsed.type()) {
      case "chat", "system" -> {
        SystemEvent event = null;
        if (line.path(LogFormat.EVENT).isObject()) {
          try {
            event = JSON.treeToValue(line.get(LogFormat.EVENT), SystemEvent.class);
          } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new MalformedLineException("an unreadable system event: " + e.getMessage());
          }
        }
        entry(out, timestamp, room, text(line, LogFormat.MESSAGE_ID), parsed, event);
        // The message's own frame is the first: its place and stamp, as the live one has them.
        ObjectNode frame = out.getFirst();
        if (line.path(LogFormat.SEQ).isIntegralNumber()) {
          frame.put("seq", line.get(LogFormat.SEQ).asLong());
        }
        if (line.path(LogFormat.BASED_ON).isIntegralNumber()) {
          frame.put("based_on", line.get(LogFormat.BASED_ON).asLong());
          frame.put("stale", line.path(LogFormat.STALE).asBoolean(false));
        }
      }
      case "tool_call" -> {
        entry(out, timestamp, room, null, parsed, null);
        called(out, timestamp, room, user, parsed.function(), parsed.arguments());
      }
      case "tool_response" -> {
        entry(out, timestamp, room, null, parsed, null);
        String method = pendingMethod(room, user, text(line, LogFormat.METHOD));
        answered(
            out,
            timestamp,
            room,
            user,
            method,
            readResult(method, parsed.content()),
            readError(parsed.content()));
      }
      default -> entry(out, timestamp, room, null, parsed, null);
    }
    return out;
  }

  /** A live message appended to its room's log. */
  public synchronized void message(Message m, List<ObjectNode> out) {
    int at = out == null ? -1 : out.size();
    entry(out, m.timestamp(), m.room(), m.messageId(), parsed(m), m.event());
    if (out != null) {
      // entry adds the message's own frame first, then what it does to presence.
      stamp(out.get(at), m);
    }
  }

  /**
   * A stored message as the {@code chat_message} frame its append sent at the time, for a page of
   * older messages: follows no presence, so that the live stream is not disturbed.
   */
  public static ObjectNode messageFrame(Message m) {
    return stamp(chatFrame(m.timestamp(), m.room(), m.messageId(), parsed(m), m.event()), m);
  }

  /**
   * Adds a message's place in its room and its causal stamp to its frame, so that the page can say
   * whose messages the author of a stale one had not seen.
   */
  private static ObjectNode stamp(ObjectNode frame, Message m) {
    frame.put("seq", m.seq());
    if (m.basedOn() != null) {
      frame.put("based_on", m.basedOn());
      frame.put("stale", Boolean.TRUE.equals(m.stale()));
    }
    return frame;
  }

  private static ParsedContent parsed(Message m) {
    String type = m.kind() == MessageKind.SYSTEM ? "system" : "chat";
    return new ParsedContent(type, m.senderId(), m.content(), null, null);
  }

  /**
   * A live action started.
   *
   * @param call the call as text: {@code {"name": ..., "arguments": ...}}
   * @param arguments its arguments as text
   */
  public synchronized void called(
      String room,
      String user,
      String method,
      String timestamp,
      Supplier<String> call,
      Supplier<String> arguments,
      List<ObjectNode> out) {
    if (out != null) {
      entry(
          out,
          timestamp,
          room,
          null,
          new ParsedContent("tool_call", user, call.get(), method, arguments.get()),
          null);
    } else {
      seen(null, timestamp, room, user);
    }
    called(out, timestamp, room, user, method, out == null ? null : arguments.get());
  }

  /**
   * A live action ended.
   *
   * @param response the result or the error as text
   * @param result the typed result, or null when it failed
   * @param error the error, or null when it succeeded
   */
  public synchronized void answered(
      String room,
      String user,
      String method,
      String timestamp,
      Supplier<String> response,
      Object result,
      ActionError error,
      List<ObjectNode> out) {
    if (out != null) {
      entry(
          out,
          timestamp,
          room,
          null,
          new ParsedContent("tool_response", user, response.get(), null, null),
          null);
    } else {
      seen(null, timestamp, room, user);
    }
    answered(out, timestamp, room, user, method, result, error);
  }

  /**
   * A participant's note, read with {@link ContentParser#note}: shown, but not an action of the
   * protocol.
   */
  public synchronized void note(
      String room, ParsedContent note, String timestamp, List<ObjectNode> out) {
    entry(out, timestamp, room, null, note, null);
  }

  /** The {@code welcome} frame for an observer of {@code room} (null: every room). */
  public synchronized ObjectNode welcome(String room, String mode) {
    ObjectNode welcome = frame("welcome", Instant.now().toString(), room);
    welcome.put("mode", mode);
    ArrayNode participants = welcome.putArray("participants");
    rooms.forEach(
        (r, users) -> {
          if (room == null || room.equals(r)) {
            users.forEach(
                (user, p) -> {
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

  /** The {@code chat_message} frame of an entry, then what it does to presence. */
  private void entry(
      List<ObjectNode> out,
      String timestamp,
      String room,
      String messageId,
      ParsedContent parsed,
      SystemEvent event) {
    if (out != null) {
      out.add(chatFrame(timestamp, room, messageId, parsed, event));
    }
    if ("system".equals(parsed.type())) {
      if (event != null) {
        system(out, timestamp, room, event, parsed.content());
      }
    } else {
      seen(out, timestamp, room, parsed.user());
    }
  }

  private static ObjectNode chatFrame(
      String timestamp, String room, String messageId, ParsedContent parsed, SystemEvent event) {
    ObjectNode message = frame("chat_message", timestamp, room);
    if (messageId != null) {
      message.put("message_id", messageId);
    }
    message.set("parsed_content", parsed.toJson());
    if (event != null) {
      message.set("event", JSON.valueToTree(event));
    }
    return message;
  }

  /** First sight of someone whose join the stream did not show (plain tagged logs have none). */
  private void seen(List<ObjectNode> out, String timestamp, String room, String user) {
    Presence p = presence(room, user);
    if (p.state == null) {
      change(out, timestamp, room, user, p, "idle");
    }
  }

  private void called(
      List<ObjectNode> out,
      String timestamp,
      String room,
      String user,
      String method,
      String arguments) {
    Presence p = presence(room, user);
    p.pendingMethod = method;
    if (out != null) {
      ObjectNode activity = activity(timestamp, room, user, method, "started");
      activity.put("summary", summary(arguments));
      out.add(activity);
    }
    if ("check".equals(method)) {
      p.pendingChecks++;
      change(out, timestamp, room, user, p, p.state());
    }
  }

  /**
   * The method an answer ends. The daemon's lines say which (a participant's calls may overlap: a
   * check waits while it appends); plain tagged logs do not, so the last call is assumed.
   */
  private String pendingMethod(String room, String user, String lineMethod) {
    Presence p = presence(room, user);
    return lineMethod != null ? lineMethod : p.pendingMethod == null ? "" : p.pendingMethod;
  }

  private void answered(
      List<ObjectNode> out,
      String timestamp,
      String room,
      String user,
      String method,
      Object result,
      ActionError error) {
    Presence p = presence(room, user);
    p.pendingMethod = null;
    if ("check".equals(method) && p.pendingChecks > 0) {
      p.pendingChecks--;
    }
    if (error == null) {
      String draft = draftAfter(result);
      if (draft != null) {
        p.draftSuffix = draft;
      }
    }
    if (out != null) {
      String status =
          error != null ? "error " + error.code() + ": " + error.message() : status(result);
      out.add(activity(timestamp, room, user, method, status));
    }
    change(out, timestamp, room, user, p, p.state());
  }

  /** What an action's result says of how it went, in a word or two. */
  private static String status(Object result) {
    if (result == null) {
      return "ok";
    }
    return switch (result) {
      case PushResult r ->
          switch (PushOutcome.of(r)) {
            case SENT -> "sent " + r.messageId();
            case INTERRUPTED -> "interrupted";
            case HUMAN_DRAFTING -> "held: a human is drafting";
            case NOT_SENT -> "not sent";
          };
      case CheckResult r -> r.status() == 1 ? "woke" : "timed out";
      case AppendResult r ->
          r.status() == 2 ? "truncated" : r.status() == 0 ? "refused" : "appended";
      case UndoResult r -> r.status() == 1 ? "undone" : "nothing to undo";
      case TalkingStickResult r -> r.granted() ? "granted" : "refused";
      default -> "ok";
    };
  }

  /**
   * The end of the draft after an action with this result, or null when the result does not tell.
   */
  private static String draftAfter(Object result) {
    if (result == null) {
      return null;
    }
    return switch (result) {
      case AppendResult r -> r.draftLength() > 0 ? r.suffix() : "";
      case UndoResult r -> r.draftLength() > 0 ? r.suffix() : "";
      case PreviewResult r -> tail(r.draft());
      case PushResult r -> PushOutcome.of(r) == PushOutcome.SENT ? "" : null;
      case ResetResult r -> "";
      default -> null;
    };
  }

  private void system(
      List<ObjectNode> out, String timestamp, String room, SystemEvent event, String text) {
    Presence p = presence(room, event.user());
    p.lastSystem = text;
    switch (event.type()) {
      case JOINED -> {
        if (event.kind() != null) {
          p.kind = event.kind().wireName();
        }
        change(out, timestamp, room, event.user(), p, "idle");
      }
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
            add(out, () -> presenceFrame(other.getValue(), timestamp, room, other.getKey()));
          }
        }
        p.holdsStick = true;
        add(out, () -> activity(timestamp, room, event.user(), "talking_stick", "has the floor"));
        add(out, () -> presenceFrame(p, timestamp, room, event.user()));
      }
      case STICK_RELEASED, STICK_EXPIRED -> {
        p.holdsStick = false;
        String how = event.type() == SystemEventType.STICK_EXPIRED ? "expired" : "released";
        add(out, () -> activity(timestamp, room, event.user(), "talking_stick", how));
        add(out, () -> presenceFrame(p, timestamp, room, event.user()));
      }
    }
  }

  private void change(
      List<ObjectNode> out, String timestamp, String room, String user, Presence p, String state) {
    boolean drafting = "drafting".equals(state);
    if (!state.equals(p.state) || (drafting && !Objects.equals(p.shownSuffix, p.draftSuffix))) {
      p.state = state;
      p.shownSuffix = p.draftSuffix;
      add(out, () -> presenceFrame(p, timestamp, room, user));
    }
  }

  private static void add(List<ObjectNode> out, Supplier<ObjectNode> frame) {
    if (out != null) {
      out.add(frame.get());
    }
  }

  private Presence presence(String room, String user) {
    return rooms
        .computeIfAbsent(key(room), r -> new LinkedHashMap<>())
        .computeIfAbsent(user, u -> new Presence());
  }

  private static String key(String room) {
    return room == null ? "" : room;
  }

  private static String text(JsonNode line, String field) {
    return line.path(field).isTextual() ? line.get(field).asText() : null;
  }

  /**
   * A logged result read back as the method's typed result, without its messages (they have frames
   * of their own); null when it is not one.
   */
  private static Object readResult(String method, String content) {
    return ApiMethods.resultType(method)
        .map(
            type -> {
              try {
                JsonNode node = JSON.readTree(content);
                if (node == null || !node.isObject() || node.has("error")) {
                  return null;
                }
                // A daemon's line names the delivered messages by id; how the action went does not
                // depend on them.
                if (node.has(LogFormat.MESSAGE_IDS)) {
                  ObjectNode result = (ObjectNode) node;
                  result.remove(LogFormat.MESSAGE_IDS);
                  result.putArray("messages");
                }
                return (Object) JSON.treeToValue(node, type);
              } catch (JsonProcessingException | IllegalArgumentException e) {
                return null;
              }
            })
        .orElse(null);
  }

  /** A logged error read back; null when the content is not one. */
  private static ActionError readError(String content) {
    try {
      JsonNode error = JSON.readTree(content).path("error");
      return error.isObject()
          ? new ActionError(error.path("code").asInt(), error.path("message").asText())
          : null;
    } catch (JsonProcessingException | RuntimeException e) {
      return null;
    }
  }

  private static ObjectNode presenceFrame(Presence p, String timestamp, String room, String user) {
    ObjectNode frame = frame("presence", timestamp, room);
    frame.put("user", user);
    frame.put("state", p.state);
    frame.put("holds_stick", p.holdsStick);
    if (p.kind != null) {
      frame.put("kind", p.kind);
    }
    if ("drafting".equals(p.state)) {
      frame.put("draft_suffix", p.draftSuffix);
    }
    if (p.lastSystem != null) {
      frame.put("last_system", p.lastSystem);
    }
    return frame;
  }

  private static ObjectNode activity(
      String timestamp, String room, String user, String method, String status) {
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
    return n <= SUMMARY_CHARS
        ? draft
        : draft.substring(draft.offsetByCodePoints(0, n - SUMMARY_CHARS));
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

    /** {@code human} or {@code agent}, as its join said; null when unknown. */
    String kind;

    String lastSystem;

    /** As {@link PresenceRule} says, from what the stream showed of the participant. */
    String state() {
      return PresenceRule.state(pendingChecks, !draftSuffix.isEmpty()).wireName();
    }
  }
}
