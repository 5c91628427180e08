package dev.parley.viewer.observe;

import dev.parley.api.TimelineEvent;
import dev.parley.api.TimelineResult;
import dev.parley.extension.SeenRange;
import java.util.List;

/**
 * Where the viewer reads who saw which message and what each participant did after one: the
 * daemon's live rooms ({@link dev.parley.extension.ExtensionContext#seen}, {@link
 * dev.parley.extension.ExtensionContext#timeline}, {@link
 * dev.parley.extension.ExtensionContext#timelineEvents}). A replay has none.
 */
public interface RoomJournals {

  /**
   * What each participant of {@code room} has been delivered.
   *
   * @throws dev.parley.extension.HistoryException for an unknown room
   */
  List<SeenRange> seen(String room);

  /**
   * The timeline of the message {@code messageId} of {@code room}.
   *
   * @throws dev.parley.extension.HistoryException for an unknown room or message id
   */
  TimelineResult timeline(String room, String messageId);

  /**
   * The timeline journal of {@code room}, oldest first.
   *
   * @throws dev.parley.extension.HistoryException for an unknown room
   */
  List<TimelineEvent> events(String room);
}
