package dev.parley.viewer.observe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.api.AccessDeniedException;
import dev.parley.api.HistoryResult;
import dev.parley.api.Message;
import dev.parley.api.TimelineEvent;
import dev.parley.extension.HistoryException;
import dev.parley.extension.MessageSeen;
import dev.parley.spec.Json;
import dev.parley.spec.SpecDocument;
import dev.parley.viewer.frames.FrameStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
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
 * its stylesheet and script), the observer socket at {@code /observe?room=R}, and a room's older
 * messages at {@code /observe/history?room=R&before=ID&limit=N} (the daemon's only: a replay has no
 * stored log).
 */
public final class ViewerRoutes {
  /** The observer socket's path. */
  public static final String OBSERVE = "/observe";

  /** Where a page of a room's older messages is read. */
  public static final String HISTORY = "/observe/history";

  /** Where a watcher reads what each participant of a room has been delivered. */
  public static final String SEEN = "/observe/seen";

  /** Where a watcher reads a message's timeline. */
  public static final String TIMELINE = "/observe/timeline";

  /** Where a room's timeline journal downloads as JSONL, one event a line. */
  public static final String TIMELINE_JSONL = "/observe/timeline.jsonl";

  /** Messages of a history page when the request names no limit. */
  static final int HISTORY_DEFAULT = 50;

  /** Most messages a history request may ask for (the daemon may answer fewer). */
  static final int HISTORY_MAX = 200;

  private static final String HISTORY_USAGE =
      HISTORY + "?room=NAME&before=MESSAGE_ID&limit=1.." + HISTORY_MAX;

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
    return observe(server, hub, next, ObserverAccess.OPEN, null);
  }

  /**
   * As {@link #observe(Server, ObserverHub, Handler)}, letting each observer watch only the rooms
   * {@code access} grants its credential: {@code Authorization: Bearer}, or the {@code
   * access_token} query parameter (RFC 6750) for browsers, which cannot set headers on a WebSocket.
   * A refusal is answered before the upgrade: 401 (no or an unknown credential) or 403, with a JSON
   * body. {@code /observe/history} answers pages of {@code history}, to the same credentials for
   * the same rooms; without one (null), it answers 404.
   */
  public static Handler observe(
      Server server, ObserverHub hub, Handler next, ObserverAccess access, RoomHistory history) {
    return observe(server, hub, next, access, history, null);
  }

  /**
   * As {@link #observe(Server, ObserverHub, Handler, ObserverAccess, RoomHistory)}, answering too
   * {@code /observe/seen?room=R&from=A&to=B} (who was delivered each message of the range), {@code
   * /observe/timeline?room=R&message=ID} (a message's timeline, the protocol's {@code
   * TimelineResult}) and {@code /observe/timeline.jsonl?room=R} (the room's timeline journal, one
   * {@code TimelineEvent} a line) from {@code journals}, to the same credentials for the same
   * rooms; without them (null), those answer 404.
   */
  public static Handler observe(
      Server server,
      ObserverHub hub,
      Handler next,
      ObserverAccess access,
      RoomHistory history,
      RoomJournals journals) {
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
        String path = Request.getPathInContext(request);
        if (HISTORY.equals(path)) {
          answerHistory(request, response, callback, access, history);
          return true;
        }
        if (SEEN.equals(path) || TIMELINE.equals(path) || TIMELINE_JSONL.equals(path)) {
          answerJournal(path, request, response, callback, access, journals);
          return true;
        }
        if (!OBSERVE.equals(path)) {
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
                AccessDeniedException.Reason.ROOM, "this key may not watch the room " + room, null);
          }
          request.setAttribute(PERMITTED, permitted);
        } catch (AccessDeniedException e) {
          refuse(response, callback, e);
          return true;
        }
        return super.handle(request, response, callback);
      }
    };
  }

  /**
   * Answers a page of a room's older messages as the {@code chat_message} frames the socket sent
   * for them: {@code {"room", "frames": [...], "has_more"}}, oldest first. Bad input is a 400, a
   * refused credential a 401 or 403 (as for the socket), an unknown room a 404: each a JSON body.
   */
  private static void answerHistory(
      Request request,
      Response response,
      Callback callback,
      ObserverAccess access,
      RoomHistory history)
      throws IOException {
    Fields query = getQuery(request, response, callback, HISTORY_USAGE);
    if (query == null) {
      return;
    }
    String room = query.getValue("room");
    if (room == null || room.isBlank()) {
      badRequest(response, callback, "room is required: " + HISTORY_USAGE);
      return;
    }
    if (!ROOM_NAME.matcher(room).matches()) {
      badRequest(
          response,
          callback,
          "room is not a room name (" + ROOM_NAME.pattern() + "): " + HISTORY_USAGE);
      return;
    }
    String before = query.getValue("before");
    if (before != null && before.isEmpty()) {
      before = null;
    }
    String limitText = query.getValue("limit");
    int limit = HISTORY_DEFAULT;
    if (limitText != null) {
      try {
        limit = Integer.parseInt(limitText);
      } catch (NumberFormatException e) {
        limit = 0;
      }
      if (limit < 1 || limit > HISTORY_MAX) {
        badRequest(
            response,
            callback,
            "limit is a whole number from 1 to " + HISTORY_MAX + ", not " + limitText);
        return;
      }
    }
    if (!mayWatch(request, response, callback, access, room)) {
      return;
    }
    if (history == null) {
      refuse(
          response,
          callback,
          HttpStatus.NOT_FOUND_404,
          JSON.createObjectNode(),
          "a replay keeps no stored log: there are no older messages to load");
      return;
    }
    HistoryResult page;
    try {
      page = history.page(room, before, limit);
    } catch (HistoryException e) {
      refuse(
          response,
          callback,
          e.problem() == HistoryException.Problem.UNKNOWN_ROOM
              ? HttpStatus.NOT_FOUND_404
              : HttpStatus.BAD_REQUEST_400,
          JSON.createObjectNode(),
          e.getMessage());
      return;
    }
    ObjectNode answer = JSON.createObjectNode().put("room", room);
    ArrayNode frames = answer.putArray("frames");
    for (Message m : page.messages()) {
      frames.add(FrameStream.messageFrame(m));
    }
    answer.put("has_more", page.hasMore());
    answer.put("stream_time", Instant.now().toEpochMilli() / 1000.0);
    response.setStatus(HttpStatus.OK_200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(JSON.writeValueAsBytes(answer)), callback);
  }

  /** Whether the request's credential may watch {@code room}; when not, the refusal is answered. */
  private static boolean mayWatch(
      Request request, Response response, Callback callback, ObserverAccess access, String room)
      throws IOException {
    try {
      if (!access.rooms(credential(request)).test(room)) {
        throw new AccessDeniedException(
            AccessDeniedException.Reason.ROOM, "this key may not watch the room " + room, null);
      }
      return true;
    } catch (AccessDeniedException e) {
      refuse(response, callback, e);
      return false;
    }
  }

  /**
   * The query of a GET request, or null once its refusal is answered: 405 for another method, 400
   * for a query that is not properly percent-encoded.
   */
  private static Fields getQuery(
      Request request, Response response, Callback callback, String usage) throws IOException {
    if (!HttpMethod.GET.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET");
      refuse(
          response,
          callback,
          HttpStatus.METHOD_NOT_ALLOWED_405,
          JSON.createObjectNode(),
          "only GET: " + usage);
      return null;
    }
    try {
      request.getHttpURI().toURI();
      return Request.extractQueryParameters(request);
    } catch (RuntimeException e) {
      badRequest(response, callback, "the query is not properly percent-encoded: " + usage);
      return null;
    }
  }

  /** {@code value} as a sequence number (a decimal from 1), or 0 when it is none. */
  private static long sequenceNumber(String value) {
    if (!value.matches("[0-9]{1,18}")) {
      return 0;
    }
    return Long.parseLong(value);
  }

  /**
   * Answers {@code /observe/seen}, {@code /observe/timeline} or {@code /observe/timeline.jsonl}.
   * Bad input is a 400, a refused credential a 401 or 403, an unknown room or message a 404: each a
   * JSON body.
   */
  private static void answerJournal(
      String path,
      Request request,
      Response response,
      Callback callback,
      ObserverAccess access,
      RoomJournals journals)
      throws IOException {
    String usage =
        path
            + "?room=NAME"
            + (TIMELINE.equals(path) ? "&message=MESSAGE_ID" : "")
            + (SEEN.equals(path) ? "&from=SEQ&to=SEQ" : "");
    Fields query = getQuery(request, response, callback, usage);
    if (query == null) {
      return;
    }
    String room = query.getValue("room");
    if (room == null || !ROOM_NAME.matcher(room).matches()) {
      badRequest(response, callback, "room is required, a room name: " + usage);
      return;
    }
    String message = query.getValue("message");
    if (TIMELINE.equals(path) && (message == null || message.isEmpty())) {
      badRequest(response, callback, "message is required: " + usage);
      return;
    }
    long from = 0;
    long to = 0;
    if (SEEN.equals(path)) {
      String fromValue = query.getValue("from");
      String toValue = query.getValue("to");
      if (fromValue == null || toValue == null) {
        badRequest(response, callback, "from and to are required: " + usage);
        return;
      }
      from = sequenceNumber(fromValue);
      to = sequenceNumber(toValue);
      if (from < 1 || to < from) {
        badRequest(
            response,
            callback,
            "from and to are sequence numbers from 1 (at most 18 digits) with from <= to; the"
                + " newest "
                + MessageSeen.MOST
                + " of the range are answered: "
                + usage);
        return;
      }
    }
    if (!mayWatch(request, response, callback, access, room)) {
      return;
    }
    if (journals == null) {
      refuse(
          response,
          callback,
          HttpStatus.NOT_FOUND_404,
          JSON.createObjectNode(),
          "a replay has no live rooms: who saw what, and timelines, are the daemon's");
      return;
    }
    byte[] body;
    String type = "application/json";
    try {
      if (SEEN.equals(path)) {
        ObjectNode answer = JSON.createObjectNode().put("room", room);
        ArrayNode messages = answer.putArray("messages");
        for (MessageSeen m : journals.seen(room, from, to)) {
          ObjectNode one = messages.addObject().put("seq", m.seq());
          m.seenBy().forEach(one.putArray("seen_by")::add);
          m.notSeenBy().forEach(one.putArray("not_seen_by")::add);
        }
        body = JSON.writeValueAsBytes(answer);
      } else if (TIMELINE.equals(path)) {
        body = JSON.writeValueAsBytes(journals.timeline(room, message));
      } else {
        StringBuilder lines = new StringBuilder();
        for (TimelineEvent e : journals.events(room)) {
          lines.append(JSON.writeValueAsString(e)).append('\n');
        }
        body = lines.toString().getBytes(StandardCharsets.UTF_8);
        type = "application/jsonl; charset=utf-8";
        response
            .getHeaders()
            .put(
                HttpHeader.CONTENT_DISPOSITION,
                "attachment; filename=\"timeline-" + room + ".jsonl\"");
      }
    } catch (HistoryException e) {
      refuse(response, callback, HttpStatus.NOT_FOUND_404, JSON.createObjectNode(), e.getMessage());
      return;
    }
    response.setStatus(HttpStatus.OK_200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  private static void badRequest(Response response, Callback callback, String error)
      throws IOException {
    refuse(response, callback, HttpStatus.BAD_REQUEST_400, JSON.createObjectNode(), error);
  }

  /** A refused credential: 401 (none, or an unknown one; with a Bearer challenge) or 403. */
  private static void refuse(Response response, Callback callback, AccessDeniedException e)
      throws IOException {
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
