package dev.parley.server.rpc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.api.ParleyMethod;
import java.util.function.Function;

/**
 * Where each valid call is answered: here, or (among several daemons sharing one store) by the
 * daemon that serves the call's room. The protocol's rules are all the engine's; this only picks
 * which engine.
 */
public interface CallRouting {
  /** A daemon alone: every call is answered here. */
  CallRouting HERE = (call, here) -> here.apply(call.address());

  /**
   * Answers {@code call}.
   *
   * @param call the call, its params valid
   * @param here answers it on this daemon, given the client address to count at the door (null when
   *     it was counted already): a response's {@code result} or {@code error} member, in an object
   *     without {@code jsonrpc} and {@code id}
   * @return the answer in the same form, from here or from the room's daemon
   * @throws Misdirected when a call forwarded by another daemon reached one that does not serve its
   *     room
   * @throws OwnerLost when the daemon serving the room stopped answering in the middle of the call
   */
  ObjectNode answer(Call call, Function<String, ObjectNode> here);

  /**
   * One call as it came.
   *
   * @param method the method
   * @param params its params as a record, valid
   * @param named the same params as JSON, by name
   * @param bearer the session token, or null
   * @param address the client's address
   * @param forwarded whether another daemon forwarded it (it is then never forwarded again)
   * @param socket the WebSocket it came on, or null for HTTP
   */
  record Call(
      ParleyMethod method,
      Object params,
      ObjectNode named,
      String bearer,
      String address,
      boolean forwarded,
      SocketBinding socket) {}

  /** A forwarded call reached a daemon that does not serve its room: the forwarder asks again. */
  final class Misdirected extends RuntimeException {
    /**
     * @param room the room of the call
     */
    public Misdirected(String room) {
      super("this daemon does not serve room " + room, null, false, false);
    }
  }

  /**
   * The daemon serving the call's room stopped answering after the call was sent: whether it was
   * carried out is unknown, as when a client's own connection drops. The client retries (with its
   * {@code txn_id}).
   */
  final class OwnerLost extends RuntimeException {
    /**
     * @param detail what happened, in plain words
     */
    public OwnerLost(String detail) {
      super(detail, null, false, false);
    }
  }
}
