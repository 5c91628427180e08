package dev.parley.server.observe;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.api.Message;
import dev.parley.api.NoteKind;
import dev.parley.server.log.LogLines;
import dev.parley.server.room.RoomListener;
import dev.parley.viewer.frames.FrameStream;
import dev.parley.viewer.frames.MalformedLineException;
import dev.parley.viewer.observe.ObserverHub;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the rooms to observers: each event becomes the line the conversation log would hold,
 * and each line the frames a replay of that log would send, so live and replayed rooms look
 * the same to the viewer.
 */
public final class ObserverFeed implements RoomListener {
  private static final Logger LOG = LoggerFactory.getLogger(ObserverFeed.class);

  private final FrameStream frames = new FrameStream();
  private final ObserverHub hub = new ObserverHub("live", frames::welcome, control -> { });

  /** The observers' hub, for the {@code /observe} socket. */
  public ObserverHub hub() {
    return hub;
  }

  @Override
  public void message(Message message) {
    publish(LogLines.message(message));
  }

  @Override
  public void action(String room, String username, String method, Map<String, Object> arguments, Instant at) {
    publish(LogLines.toolCall(room, username, method, arguments, at));
  }

  @Override
  public void outcome(String room, String username, String method, Object outcome, Instant at) {
    publish(LogLines.toolResponse(room, username, method, outcome, at));
  }

  @Override
  public void note(String room, String username, NoteKind kind, String content, Instant at) {
    publish(LogLines.note(room, username, kind, content, at));
  }

  private void publish(ObjectNode line) {
    try {
      for (ObjectNode frame : frames.frames(line)) {
        hub.publish(frame);
      }
    } catch (MalformedLineException e) {
      LOG.error("The daemon wrote a line observers cannot read: {}", e.getMessage());
    }
  }
}
