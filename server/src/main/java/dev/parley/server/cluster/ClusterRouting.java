package dev.parley.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.api.InvalidRequestException;
import dev.parley.api.LoginParams;
import dev.parley.api.ParleyMethod;
import dev.parley.server.room.RoomEngine;
import dev.parley.server.room.RoomMovedException;
import dev.parley.server.rpc.CallRouting;
import dev.parley.server.rpc.SocketBinding;
import dev.parley.server.store.StoreException;
import java.net.URI;
import java.time.Duration;
import java.util.function.Function;
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
public final class ClusterRouting implements CallRouting, AutoCloseable {
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
  public ObjectNode answer(Call call, Function<String, ObjectNode> here) {
    // A call another daemon forwarded was counted at its door there.
    String door = call.forwarded() ? null : call.address();
    String room;
    if (call.method() == ParleyMethod.LOGIN) {
      room = ((LoginParams) call.params()).room();
      // Counted before it may take a room for this daemon, and only once, wherever it is answered.
      engine.admit(door);
      door = null;
    } else if (call.bearer() == null
        || call.method() == ParleyMethod.ROOMS
        || call.method() == ParleyMethod.RPC_DISCOVER) {
      return here.apply(door);
    } else {
      room = engine.roomElsewhere(call.bearer(), door);
      if (room == null) {
        try {
          return here.apply(door);
        } catch (RoomMovedException e) {
          // The session's room moved away while the call was under way: send it there.
          room = e.room();
        }
      }
    }
    long deadline = System.nanoTime() + SETTLE.toNanos();
    long backoff = FIRST_BACKOFF_MS;
    String why;
    while (true) {
      switch (owners.locate(room)) {
        case RoomOwners.Owner.Here h -> {
          engine.adopt(room, h.epoch());
          if (!owners.holds(room, h.epoch())) {
            // Lost between being located and taken up: give it up again, and ask anew.
            engine.disown(room);
            why = "room " + room + " was lost while it was taken up";
            break;
          }
          try {
            return here.apply(door);
          } catch (RoomMovedException e) {
            why = "room " + room + " moved while the call was answered";
          }
        }
        case RoomOwners.Owner.There t -> {
          if (call.forwarded()) {
            throw new Misdirected(room);
          }
          try {
            return forwardFromSocket(t.node(), room, call);
          } catch (Forwarder.NotTaken e) {
            owners.forget(room, t.node());
            why = e.getMessage();
          }
        }
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

  /**
   * Forwards {@code call}; one that came on a socket of this daemon keeps the socket bound as a
   * call of this daemon would (a login binds it, a logout unbinds it). Notifications come only from
   * the room's own daemon, so a subscription is refused here, saying where to subscribe.
   */
  private ObjectNode forwardFromSocket(URI node, String room, Call call) throws Forwarder.NotTaken {
    SocketBinding socket = call.socket();
    if (socket == null) {
      return forwarder.send(node, call);
    }
    boolean subscribing =
        call.method() == ParleyMethod.SUBSCRIBE
            || (call.method() == ParleyMethod.LOGIN
                && Boolean.TRUE.equals(((LoginParams) call.params()).subscribe()));
    if (subscribing) {
      throw new InvalidRequestException(
          "room "
              + room
              + " is served by the daemon at "
              + node
              + ": its notifications come from there, so subscribe on that daemon's /rpc/ws;"
              + " on this socket, call check",
          null);
    }
    ObjectNode answer = forwarder.send(node, call);
    JsonNode session = answer.path("result").path("session");
    if (call.method() == ParleyMethod.LOGIN && session.isTextual()) {
      socket.bind(session.asText());
    } else if (call.method() == ParleyMethod.LOGOUT && answer.has("result")) {
      socket.unbind(call.bearer());
    }
    return answer;
  }

  /** Stops forwarding: the connections to other daemons are closed. */
  @Override
  public void close() {
    forwarder.close();
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
