package dev.parley.viewer.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The observers of a daemon (or of a replay): WebSocket sessions, each watching one room or
 * all. Frames are sent without waiting, so that a slow browser never holds up a room; one that
 * falls too far behind loses frames (see {@link ViewerRoutes}).
 */
public final class ObserverHub {
  private static final Logger LOG = LoggerFactory.getLogger(ObserverHub.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Set<Observer> observers = ConcurrentHashMap.newKeySet();
  private final BiFunction<String, String, ObjectNode> welcome;
  private final String mode;
  private final Consumer<JsonNode> controls;

  /**
   * @param mode {@code live} or {@code replay}, told to each observer in its welcome
   * @param welcome makes the welcome frame for a room filter (null: all rooms) and the mode
   * @param controls receives the control frames observers send (such as a replay speed)
   */
  public ObserverHub(String mode, BiFunction<String, String, ObjectNode> welcome, Consumer<JsonNode> controls) {
    this.mode = mode;
    this.welcome = welcome;
    this.controls = controls;
  }

  /** Sends {@code frame} to every observer of its room (or of all rooms), stamped with the send time. */
  public void publish(ObjectNode frame) {
    String room = frame.path("room").isTextual() ? frame.get("room").asText() : null;
    frame.put("stream_time", Instant.now().toEpochMilli() / 1000.0);
    String text = write(frame);
    for (Observer o : observers) {
      if (o.sees(room)) {
        o.session.sendText(text, Callback.NOOP);
      }
    }
  }

  /** Whether any observer watches {@code room} (null: a frame of no room), so that nobody builds frames for nobody. */
  public boolean watching(String room) {
    if (observers.isEmpty()) {
      return false;
    }
    for (Observer o : observers) {
      if (o.sees(room)) {
        return true;
      }
    }
    return false;
  }

  /** How many observers are connected. */
  public int size() {
    return observers.size();
  }

  void opened(Session session, String room, Predicate<String> permitted) {
    Observer observer = new Observer(session, room, permitted);
    observers.add(observer);
    ObjectNode hello = welcome.apply(room, mode);
    if (hello.path("participants").isArray()) {
      Iterator<JsonNode> presence = hello.get("participants").iterator();
      while (presence.hasNext()) {
        JsonNode p = presence.next();
        if (p.path("room").isTextual() && !permitted.test(p.get("room").asText())) {
          presence.remove();
        }
      }
    }
    hello.put("stream_time", Instant.now().toEpochMilli() / 1000.0);
    session.sendText(write(hello), Callback.NOOP);
  }

  void closed(Session session) {
    observers.removeIf(o -> o.session == session);
  }

  void received(Session session, String text) {
    JsonNode frame;
    try {
      frame = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      LOG.debug("An observer sent something that is not JSON: {}", e.getOriginalMessage());
      return;
    }
    if (frame == null) {
      return;
    }
    String type = frame.path("type").asText();
    if ("ping".equals(type)) {
      ObjectNode pong = JSON.createObjectNode();
      pong.put("type", "pong");
      pong.put("timestamp", Instant.now().toString());
      pong.put("stream_time", Instant.now().toEpochMilli() / 1000.0);
      session.sendText(write(pong), Callback.NOOP);
    } else if ("control".equals(type)) {
      controls.accept(frame);
    }
  }

  private static String write(ObjectNode frame) {
    try {
      return JSON.writeValueAsString(frame);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One socket: the room it asked for (null: all), and the rooms it may watch. */
  private record Observer(Session session, String room, Predicate<String> permitted) {
    /** Whether a frame of {@code frameRoom} (null: of no room) goes to it. */
    boolean sees(String frameRoom) {
      return frameRoom == null || ((room == null || room.equals(frameRoom)) && permitted.test(frameRoom));
    }
  }
}
