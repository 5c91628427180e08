package dev.parley.viewer.observe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.api.AccessDeniedException;
import dev.parley.spec.Json;
import dev.parley.spec.SpecDocument;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The viewer's HTTP side, for the daemon and the replay server alike: the page at {@code /} (with
 * its stylesheet and script) and the observer socket at {@code /observe?room=R}.
 */
public final class ViewerRoutes {
  /** The observer socket's path. */
  public static final String OBSERVE = "/observe";

  /** Frames waiting for one slow observer, beyond which new ones are dropped for it. */
  private static final int MAX_QUEUED_FRAMES = 1024;

  private static final String STATIC = "/dev/parley/viewer/static/";
  private static final ObjectMapper JSON = Json.mapper();
  private static final Pattern ROOM_NAME = SpecDocument.get().pattern("RoomName");
  private static final String BEARER = "Bearer ";

  /** The request attribute that carries an admitted observer's rooms to its socket. */
  private static final String PERMITTED = ObserverAccess.class.getName();

  /**
   * What the page may load and do: only its own script, stylesheet and images, its observer socket
   * (added per request, for the host it was served from), no framing by other sites.
   */
  private static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self';"
          + " img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; connect-src 'self'";

  private static final Map<String, Asset> ASSETS =
      Map.of(
          "/", new Asset("index.html", "text/html; charset=utf-8"),
          "/index.html", new Asset("index.html", "text/html; charset=utf-8"),
          "/viewer.css", new Asset("viewer.css", "text/css; charset=utf-8"),
          "/viewer.js", new Asset("viewer.js", "text/javascript; charset=utf-8"),
          "/favicon.svg", new Asset("favicon.svg", "image/svg+xml"),
          // Browsers ask for /favicon.ico whatever the page says; every current one draws SVG.
          "/favicon.ico", new Asset("favicon.svg", "image/svg+xml"));

  private ViewerRoutes() {}

  /**
   * Wraps {@code next} so that {@code /observe} upgrades to an observer socket of {@code hub};
   * every other request goes on to {@code next}. Which pages may connect is not decided here: wrap
   * the result in {@link Origins#guard}.
   */
  public static Handler observe(Server server, ObserverHub hub, Handler next) {
    return observe(server, hub, next, ObserverAccess.OPEN);
  }

  /**
   * As {@link #observe(Server, ObserverHub, Handler)}, letting each observer watch only the rooms
   * {@code access} grants its credential: {@code Authorization: Bearer}, or the {@code
   * access_token} query parameter (RFC 6750) for browsers, which cannot set headers on a WebSocket.
   * A refusal is answered before the upgrade: 401 (no or an unknown credential) or 403, with a JSON
   * body.
   */
  public static Handler observe(
      Server server, ObserverHub hub, Handler next, ObserverAccess access) {
    WebSocketUpgradeHandler upgrade =
        WebSocketUpgradeHandler.from(
            server,
            container -> {
              // Observers only listen: a quiet one is pinged by the page itself every 20 s.
              container.setIdleTimeout(Duration.ofMinutes(5));
              // A browser that stops reading gets frames dropped, not the daemon's memory.
              container.setMaxOutgoingFrames(MAX_QUEUED_FRAMES);
              container.addMapping(
                  OBSERVE,
                  (request, response, callback) -> {
                    Fields query = Request.extractQueryParameters(request);
                    String room = query.getValue("room");
                    @SuppressWarnings("unchecked")
                    Predicate<String> permitted =
                        (Predicate<String>) request.getAttribute(PERMITTED);
                    return new ObserverEndpoint(
                        hub,
                        room == null || room.isBlank() ? null : room,
                        permitted == null ? access.rooms(credential(request)) : permitted);
                  });
            });
    upgrade.setHandler(next);
    return new Handler.Wrapper(upgrade) {
      @Override
      public boolean handle(Request request, Response response, Callback callback)
          throws Exception {
        if (!OBSERVE.equals(Request.getPathInContext(request))) {
          return super.handle(request, response, callback);
        }
        String problem = badObserveRequest(request);
        if (problem != null) {
          refuse(response, callback, HttpStatus.BAD_REQUEST_400, JSON.createObjectNode(), problem);
          return true;
        }
        try {
          Predicate<String> permitted = access.rooms(credential(request));
          String room = Request.extractQueryParameters(request).getValue("room");
          if (room != null && !room.isBlank() && !permitted.test(room)) {
            throw new AccessDeniedException(
                AccessDeniedException.Reason.ROOM, "this key may not watch the room " + room);
          }
          request.setAttribute(PERMITTED, permitted);
        } catch (AccessDeniedException e) {
          AccessDeniedException.Reason why = e.reason();
          String reason = why == null ? "" : why.wireName();
          boolean unknown =
              why == AccessDeniedException.Reason.KEY_REQUIRED
                  || why == AccessDeniedException.Reason.UNKNOWN_KEY;
          if (unknown) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"parley\"");
          }
          refuse(
              response,
              callback,
              unknown ? HttpStatus.UNAUTHORIZED_401 : HttpStatus.FORBIDDEN_403,
              JSON.createObjectNode().put("reason", reason),
              String.valueOf(e.detail()));
          return true;
        }
        return super.handle(request, response, callback);
      }
    };
  }

  private static void refuse(
      Response response, Callback callback, int status, ObjectNode body, String error)
      throws IOException {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    ObjectNode answer = JSON.createObjectNode().put("status", status).put("error", error);
    answer.setAll(body);
    response.write(true, ByteBuffer.wrap(JSON.writeValueAsBytes(answer)), callback);
  }

  /** The bearer token of an observer: the Authorization header, else the access_token parameter. */
  private static String credential(Request request) {
    String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      String token = authorization.substring(BEARER.length()).trim();
      if (!token.isEmpty()) {
        return token;
      }
    }
    String token = Request.extractQueryParameters(request).getValue("access_token");
    return token == null || token.isBlank() ? null : token;
  }

  /**
   * Why an {@code /observe} request cannot be served, or null. Checked before the upgrade, which
   * would otherwise fail on an address the JDK cannot parse (a raw {@code <} in the query).
   */
  private static String badObserveRequest(Request request) {
    try {
      request.getHttpURI().toURI();
    } catch (IllegalArgumentException e) {
      return "the address has characters that must be percent-encoded: /observe?room=NAME";
    }
    String room;
    try {
      room = Request.extractQueryParameters(request).getValue("room");
    } catch (RuntimeException e) {
      return "the query is not properly percent-encoded: /observe?room=NAME";
    }
    if (room != null && !room.isBlank() && !ROOM_NAME.matcher(room).matches()) {
      return "room is not a room name ("
          + ROOM_NAME.pattern()
          + "): /observe?room=NAME, or no room for all of them";
    }
    return null;
  }

  /** Serves the page and its files; answers nothing else (returns false). */
  public static Handler page() {
    return new Handler.Abstract.NonBlocking() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        Asset asset = ASSETS.get(Request.getPathInContext(request));
        if (asset == null
            || !(HttpMethod.GET.is(request.getMethod())
                || HttpMethod.HEAD.is(request.getMethod()))) {
          return false;
        }
        response.setStatus(HttpStatus.OK_200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, asset.type());
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        // 'self' covers same-host sockets in CSP 3 only: older browsers need them named. The
        // Host has passed the origin policy by now.
        String host = request.getHttpURI().getAuthority();
        response
            .getHeaders()
            .put(
                "Content-Security-Policy",
                CONTENT_SECURITY_POLICY + (host == null ? "" : " ws://" + host + " wss://" + host));
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("X-Frame-Options", "DENY");
        response.getHeaders().put("Referrer-Policy", "no-referrer");
        response.write(true, ByteBuffer.wrap(asset.bytes()), callback);
        return true;
      }
    };
  }

  private record Asset(String file, String type) {
    byte[] bytes() {
      try (InputStream in = ViewerRoutes.class.getResourceAsStream(STATIC + file)) {
        if (in == null) {
          throw new IllegalStateException(STATIC + file + " is missing from the classpath");
        }
        return in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
