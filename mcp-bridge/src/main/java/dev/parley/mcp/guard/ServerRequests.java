package dev.parley.mcp.guard;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The requests the server sent to clients (such as the transport's keep-alive pings) whose
 * responses it still waits for, seen in what it writes. A client's response is handed on to the SDK
 * only when it answers one of them: the SDK answers any other with an internal error and logs the
 * client's id as it is. Bounded: the oldest are forgotten first.
 */
public final class ServerRequests {
  /** More than any session has outstanding: the server's own requests are rare. */
  private static final int MOST = 4096;

  private final Map<String, Boolean> pending =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > MOST;
        }
      };

  /** Notes that the server sent the request {@code id} in {@code session}. */
  public synchronized void sent(String session, JsonNode id) {
    pending.put(key(session, id), Boolean.TRUE);
  }

  /** Takes the response to {@code id} in {@code session}: whether the server waited for it. */
  public synchronized boolean claim(String session, JsonNode id) {
    return pending.remove(key(session, id)) != null;
  }

  /** Forgets requests sent on a stream that ended: their responses can no longer be taken. */
  public synchronized void forget(String session, Collection<JsonNode> ids) {
    ids.forEach(id -> pending.remove(key(session, id)));
  }

  /** Forgets every request of a session that ended. */
  public synchronized void forgetSession(String session) {
    String prefix = (session == null ? "" : session) + "\u0000";
    pending.keySet().removeIf(k -> k.startsWith(prefix));
  }

  private static String key(String session, JsonNode id) {
    return (session == null ? "" : session) + "\u0000" + id.toString();
  }
}
