package dev.parley.server.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.api.LoginParams;
import dev.parley.api.ParleyMethod;
import dev.parley.server.room.RoomEngine;
import dev.parley.server.room.RoomMovedException;
import dev.parley.server.rpc.CallRouting;
import dev.parley.server.store.StoreException;
import java.net.URI;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Any daemon serves any session: a call whose room another daemon serves is forwarded there (with
 * the client's token and address), and answered by that daemon's engine, so that each room's rules
 * are decided in one place. A room nobody serves is taken by the daemon the call reached.
 *
 * <p>When the room's daemon cannot be reached, the call is tried again, with a short backoff, until
 * another daemon (this one, or the one that took the room over) serves it, for at most {@link
 * #SETTLE}: a daemon killed outright frees its rooms as soon as PostgreSQL sees its connection
 * close.
 */
public final class ClusterRouting implements CallRouting {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterRouting.class);

  /** The longest a call waits for its room to be served again after its daemon went away. */
  static final Duration SETTLE = Duration.ofSeconds(15);

  private static final long FIRST_BACKOFF_MS = 10;
  private static final long MAX_BACKOFF_MS = 500;

  private final RoomEngine engine;
  private final RoomOwners owners;
  private final Forwarder forwarder;

  /**
   * @param engine this daemon's engine, which serves the rooms it owns
   * @param owners who serves each room
   * @param mapper reads and writes forwarded calls
   * @param longestCall how long a call may take (the check cap), plus a margin
   */
  public ClusterRouting(
      RoomEngine engine, RoomOwners owners, ObjectMapper mapper, Duration longestCall) {
    this.engine = engine;
    this.owners = owners;
    this.forwarder = new Forwarder(mapper, owners.secret(), longestCall);
  }

  @Override
  public ObjectNode answer(Call call, Supplier<ObjectNode> here) {
    String room = roomOf(call);
    if (room == null) {
      return here.get();
    }
    long deadline = System.nanoTime() + SETTLE.toNanos();
    long backoff = FIRST_BACKOFF_MS;
    String why;
    while (true) {
      RoomOwners.Owner owner = owners.locate(room);
      switch (owner) {
        case RoomOwners.Owner.Here h -> {
          engine.adopt(room, h.epoch());
          try {
            return here.get();
          } catch (RoomMovedException e) {
            why = "room " + room + " moved while the call was answered";
          }
        }
        case RoomOwners.Owner.There t -> {
          if (call.forwarded()) {
            throw new Misdirected(room);
          }
          try {
            return forwarder.send(t.node(), call);
          } catch (Forwarder.NotTaken e) {
            owners.forget(room, t.node());
            why = e.getMessage();
          }
        }
        case RoomOwners.Owner.Unsettled u -> why = "room " + room + " is changing hands";
      }
      if (System.nanoTime() + backoff * 1_000_000 > deadline) {
        throw new StoreException(
            "no daemon serves room " + room + " after " + SETTLE.toSeconds() + " s: " + why, null);
      }
      LOG.debug("{}; asking again in {} ms", why, backoff);
      sleep(backoff);
      backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
    }
  }

  /** The room whose daemon answers {@code call}; null for a call any daemon answers alike. */
  private String roomOf(Call call) {
    if (call.method() == ParleyMethod.LOGIN) {
      return ((LoginParams) call.params()).room();
    }
    if (call.bearer() == null || call.method() == ParleyMethod.ROOMS) {
      return null;
    }
    return engine.roomElsewhere(call.bearer());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OwnerLost("the call was abandoned while its room changed hands");
    }
  }

  /** Where this daemon is reached by the others: the configured address, or how it listens. */
  static URI nodeUrl(URI configured, Supplier<URI> listening) {
    return configured != null ? configured : listening.get();
  }
}
