package dev.parley.extension;

import dev.parley.extension.events.RoomEventListener;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
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
}
