package dev.parley.viewer.observe;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.extension.LogFormat;
import dev.parley.extension.Timestamps;
import dev.parley.extension.events.RoomEvent;
import dev.parley.extension.events.RoomEventListener;
import dev.parley.viewer.frames.ActionError;
import dev.parley.viewer.frames.ContentParser;
import dev.parley.viewer.frames.FrameStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams the rooms' events to observers as frames. The frames are what a replay of the
 * conversation log sends for the same events (the call and outcome texts are the log's own, {@link
 * LogFormat}), so live and replayed rooms look the same to the viewer. In a room nobody watches,
 * only messages and notes become frames (kept, bounded, for an observer who arrives later), besides
 * the bookkeeping of who is doing what (so that it is welcomed with the right presence).
 */
public final class ObserverFeed implements RoomEventListener {
  private final FrameStream frames = new FrameStream();
  private final ObserverHub hub;

  /**
   * @param queueBytes bytes of frames that may wait for one observer before it is disconnected
   */
  public ObserverFeed(long queueBytes) {
    this.hub = new ObserverHub("live", frames::welcome, control -> {}, queueBytes);
  }

  /** The observers' hub, for the {@code /observe} socket. */
  public ObserverHub hub() {
    return hub;
  }

  @Override
  public void on(RoomEvent event) {
    // Messages and notes always make frames: they are kept for observers who come later.
    boolean kept =
        event instanceof RoomEvent.MessageAppended || event instanceof RoomEvent.NoteAdded;
    List<ObjectNode> out = kept || hub.watching(event.room()) ? new ArrayList<>() : null;
    // Timestamps are only for frames: a room nobody watches does not format them.
    String at = out == null ? null : Timestamps.format(event.at());
    switch (event) {
      case RoomEvent.MessageAppended m -> frames.message(m.message(), out);
      case RoomEvent.ActionStarted a ->
          frames.called(
              a.room(),
              a.user(),
              a.method(),
              at,
              () -> LogFormat.callText(a.method(), a.arguments()),
              () -> LogFormat.json(a.arguments()),
              out);
      case RoomEvent.ActionEnded a ->
          frames.answered(
              a.room(),
              a.user(),
              a.method(),
              at,
              () -> LogFormat.outcomeText(a.result(), a.error()),
              a.result(),
              a.error() == null ? null : new ActionError(a.error().code(), a.error().rpcMessage()),
              out);
      case RoomEvent.NoteAdded n ->
          frames.note(
              n.room(), ContentParser.note(n.kind().wireName(), n.user(), n.content()), at, out);
      case RoomEvent.PresenceChanged p -> {}
      case RoomEvent.SessionEnded e -> {}
      case RoomEvent.RoomDeleted d -> hub.forget(d.room());
    }
    if (out != null) {
      out.forEach(hub::publish);
    }
  }
}
