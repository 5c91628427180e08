package dev.parley.viewer.observe;

import java.util.function.Predicate;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.annotations.OnWebSocketClose;
import org.eclipse.jetty.websocket.api.annotations.OnWebSocketError;
import org.eclipse.jetty.websocket.api.annotations.OnWebSocketMessage;
import org.eclipse.jetty.websocket.api.annotations.OnWebSocketOpen;
import org.eclipse.jetty.websocket.api.annotations.WebSocket;

/** One observer's socket: joins the hub on open, leaves on close, answers pings. */
@WebSocket
public final class ObserverEndpoint {
  private final ObserverHub hub;
  private final String room;
  private final Predicate<String> permitted;

  ObserverEndpoint(ObserverHub hub, String room, Predicate<String> permitted) {
    this.hub = hub;
    this.room = room;
    this.permitted = permitted;
  }

  @OnWebSocketOpen
  public void open(Session session) {
    hub.opened(session, room, permitted);
  }

  @OnWebSocketMessage
  public void message(Session session, String text) {
    hub.received(session, text);
  }

  @OnWebSocketClose
  public void close(Session session, int status, String reason) {
    hub.closed(session);
  }

  @OnWebSocketError
  public void error(Session session, Throwable cause) {
    hub.closed(session);
  }
}
