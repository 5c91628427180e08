package dev.parley.extension;

import dev.parley.api.HistoryResult;
import dev.parley.api.TimelineEvent;
import dev.parley.api.TimelineResult;
import dev.parley.extension.events.RoomEventListener;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.util.List;
import org.eclipse.jetty.server.Server;

/** What the daemon gives each {@link Extension} when it mounts it. */
public interface ExtensionContext {

  /** Bytes of frames that may wait for one observer, by default. */
  long DEFAULT_OBSERVER_QUEUE_BYTES = 8L << 20;

  /**
   * The daemon's own base address, such as {@code http://127.0.0.1:8890}: known only once the
   * daemon listens (its port may be chosen then), so ask for it on use, not while mounting.
   */
  URI uri();

  /** The daemon's Jetty server, for what needs it, such as a WebSocket upgrade. */
  Server server();

  /** The daemon's access control, or null when it runs without (every caller may act and watch). */
  AccessCheck access();

  /** Bytes of frames that may wait for one observer before it is disconnected. */
  long observerQueueBytes();

  /**
   * The daemon's meter registry, served at {@code /metrics}: an extension registers its own meters
   * here.
   */
  MeterRegistry meters();

  /**
   * Makes {@code listener} hear every room event of the daemon, in order per room, on the engine's
   * publishing thread (see {@link RoomEventListener} for what that asks of it). Only while {@link
   * Extension#handler} runs: the subscribers are fixed before the first event.
   *
   * @throws IllegalStateException when called later
   */
  void subscribe(RoomEventListener listener);

  /**
   * A page of {@code room}'s stored log, for a watcher such as the viewer: the messages before
   * {@code beforeMessageId} (null: the most recent ones), the newest of them, oldest first. The
   * page holds at most {@code limit} messages, and no more than the daemon's protocol {@code
   * history} answers (its page size and its answer's bytes, a single larger message still whole);
   * {@link HistoryResult#hasMore} says whether older ones remain. Only stored messages are in it,
   * which are all that room events have told of. Reads the store, not a room's state: call it from
   * a request's thread, never from a {@link RoomEventListener}.
   *
   * @param room a room name
   * @param beforeMessageId a message id of the room as the protocol gives it out, or null
   * @param limit most messages, at least 1
   * @throws HistoryException for an unknown room or message id
   * @throws IllegalArgumentException when {@code limit} is below 1
   */
  HistoryResult history(String room, String beforeMessageId, int limit);

  /**
   * Who has been delivered each message of {@code room} from {@code fromSeq} through {@code toSeq}
   * (the newest {@link MessageSeen#MOST} of them), oldest first, by the rule of the protocol's
   * {@code receipts}. Reads the room's live state under its lock: from a request's thread.
   *
   * @throws HistoryException for a room this daemon does not serve
   * @throws IllegalArgumentException when {@code fromSeq} is below 1 or above {@code toSeq}
   */
  List<MessageSeen> seen(String room, long fromSeq, long toSeq);

  /**
   * The protocol's {@code timeline} of the message {@code messageId} of {@code room}, for a
   * watcher: delivering nothing ({@code messages} is empty). From a request's thread.
   *
   * @throws HistoryException for a room this daemon does not serve, or a message it does not have
   */
  TimelineResult timeline(String room, String messageId);

  /**
   * The timeline journal of {@code room}, oldest first: what its JSONL export holds. In the
   * daemon's memory only, within its byte budget. From a request's thread.
   *
   * @throws HistoryException for a room this daemon does not serve
   */
  List<TimelineEvent> timelineEvents(String room);
}
