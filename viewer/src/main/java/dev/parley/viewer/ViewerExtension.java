package dev.parley.viewer;

import dev.parley.api.TimelineEvent;
import dev.parley.api.TimelineResult;
import dev.parley.extension.AccessCheck;
import dev.parley.extension.Extension;
import dev.parley.extension.ExtensionContext;
import dev.parley.extension.MessageSeen;
import dev.parley.viewer.observe.ObserverAccess;
import dev.parley.viewer.observe.ObserverFeed;
import dev.parley.viewer.observe.ObserverHub;
import dev.parley.viewer.observe.RoomJournals;
import dev.parley.viewer.observe.ViewerRoutes;
import io.micrometer.core.instrument.Gauge;
import java.util.List;
import org.eclipse.jetty.server.Handler;

/**
 * The viewer in the daemon (found through {@link java.util.ServiceLoader}): the page at {@code /},
 * the observer socket at {@code /observe}, fed with frames built from the daemon's room events, and
 * older messages from the daemon's store at {@code /observe/history}, who saw what and the
 * timelines of messages at {@code /observe/seen}, {@code /observe/timeline} and {@code
 * /observe/timeline.jsonl}. It takes every path no other door serves, and declines (404) what is
 * neither.
 */
public final class ViewerExtension implements Extension {

  /** Used by {@link java.util.ServiceLoader}. */
  public ViewerExtension() {}

  @Override
  public String name() {
    return "viewer";
  }

  @Override
  public String path() {
    return "/";
  }

  @Override
  public Handler handler(ExtensionContext context) {
    ObserverFeed feed = new ObserverFeed(context.observerQueueBytes());
    context.subscribe(feed);
    ObserverHub hub = feed.hub();
    Gauge.builder("parley.observers", hub, ObserverHub::size)
        .strongReference(true)
        .description("Viewers watching over the observer socket")
        .register(context.meters());
    Gauge.builder("parley.observers.queued", hub, ObserverHub::queuedBytes)
        .strongReference(true)
        .baseUnit("bytes")
        .description("Frames waiting to be written to observers")
        .register(context.meters());
    AccessCheck access = context.access();
    return ViewerRoutes.observe(
        context.server(),
        hub,
        ViewerRoutes.page(),
        access == null ? ObserverAccess.OPEN : access::observer,
        context::history,
        new RoomJournals() {
          @Override
          public List<MessageSeen> seen(String room, long fromSeq, long toSeq) {
            return context.seen(room, fromSeq, toSeq);
          }

          @Override
          public TimelineResult timeline(String room, String messageId) {
            return context.timeline(room, messageId);
          }

          @Override
          public List<TimelineEvent> events(String room) {
            return context.timelineEvents(room);
          }
        });
  }
}
