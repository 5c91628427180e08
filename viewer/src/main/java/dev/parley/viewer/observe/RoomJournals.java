package dev.parley.viewer.observe;

import dev.parley.api.TimelineEvent;
import dev.parley.api.TimelineResult;
import dev.parley.extension.MessageSeen;
import java.util.List;

/**
 * Where the viewer reads who saw which message and what each participant did after one: the
 * daemon's live rooms ({@link dev.parley.extension.ExtensionContext#seen}, {@link
 * dev.parley.extension.ExtensionContext#timeline}, {@link
 * dev.parley.extension.ExtensionContext#timelineEvents}). A replay has none.
 */
public interface RoomJournals {

  /**
   * Who has been delivered each message of {@code room} from {@code fromSeq} through {@code toSeq}
   * (the newest {@link MessageSeen#MOST}).
   *
   * @throws dev.parley.extension.HistoryException for an unknown room
   */
  List<MessageSeen> seen(String room, long fromSeq, long toSeq);

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
