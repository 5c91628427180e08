package dev.parley.mcp.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.api.AccessDeniedException;
import dev.parley.extension.AccessCheck;
import dev.parley.mcp.McpBridge;
import dev.parley.mcp.guard.Incident;
import dev.parley.mcp.guard.JsonRpc;
import dev.parley.mcp.guard.LogSafe;
import dev.parley.mcp.guard.MessageGuard;
import dev.parley.mcp.guard.MessageGuard.Drop;
import dev.parley.mcp.guard.MessageGuard.Kind;
import dev.parley.mcp.guard.MessageGuard.Pass;
import dev.parley.mcp.guard.MessageGuard.Refuse;
import dev.parley.mcp.guard.MessageGuard.Verdict;
import dev.parley.mcp.guard.ServerRequests;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What stands in front of the SDK's servlet at {@code /mcp}: every answer is a JSON-RPC error
 * object or what the Streamable HTTP transport specifies, never a serialized exception, never an
 * empty 200. It checks the headers (MCP-Protocol-Version, Accept, Content-Type, the session id),
 * the size of the body and the message itself ({@link MessageGuard}) before the servlet runs, and
 * wraps what the servlet answers ({@link GuardedResponse}); a failure of its own is answered with
 * an incident id.
 */
final class McpGuardFilter implements Filter {
  /** What an unknown or ended session is told. */
  static final String SESSION_NOT_FOUND =
      "Session not found: it ended or never existed; send `initialize` to start a new session";

  private static final Logger LOG = LoggerFactory.getLogger(McpGuardFilter.class);
  private static final String SESSION_HEADER = "Mcp-Session-Id";
  private static final String BEARER = "Bearer ";
  private static final String VERSION_HEADER = "MCP-Protocol-Version";
  private static final String JSON = "application/json";
  private static final String EVENT_STREAM = "text/event-stream";

  /** How much of a refused body is read and dropped, at most. */
  private static final long DRAIN_BYTES = 4L * MessageGuard.MAX_MESSAGE_BYTES;

  private final ServerRequests serverRequests;
  private final MessageGuard guard;
  private final Consumer<String> sessionEnded;
  private final AccessCheck access;

  /** With access control: the name of the key that opened each live session, by session id. */
  private final Map<String, String> owners = new ConcurrentHashMap<>();

  /**
   * @param sessionEnded told the id of each session that ended or that the SDK no longer knows
   * @param access the daemon's keys, each request's bearer must be one of; null: no access control
   */
  McpGuardFilter(ServerRequests serverRequests, Consumer<String> sessionEnded, AccessCheck access) {
    this.serverRequests = serverRequests;
    this.guard = new MessageGuard(serverRequests);
    this.sessionEnded = sessionEnded;
    this.access = access;
  }

  @Override
  public void doFilter(
      ServletRequest servletRequest, ServletResponse servletResponse, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) servletRequest;
    HttpServletResponse response = (HttpServletResponse) servletResponse;
    try {
      String key = access == null ? null : access.keyName(bearer(request));
      if (access != null && key == null) {
        unauthorized(request, response);
        return;
      }
      String session = session(request);
      if (key != null && session != null && !key.equals(owners.getOrDefault(session, key))) {
        // A session answers only the key that opened it: another key holder who learnt its id
        // must not act as its participant. Told as an unknown session, which it is for them.
        drain(request);
        send(
            response,
            HttpServletResponse.SC_NOT_FOUND,
            JsonRpc.error(
                null,
                JsonRpc.SESSION_NOT_FOUND,
                "Session not found: no MCP session of this id was opened with this key"));
        return;
      }
      switch (request.getMethod()) {
        case "POST" -> post(request, response, chain);
        case "GET" -> get(request, response, chain);
        case "DELETE" -> delete(request, response, chain);
        default -> {
          response.setHeader("Allow", "GET, POST, DELETE");
          refuse(
              request,
              response,
              HttpServletResponse.SC_METHOD_NOT_ALLOWED,
              null,
              "Method Not Allowed: /mcp answers POST (messages), GET (the event stream of a session) and DELETE"
                  + " (the end of a session)");
        }
      }
    } catch (RuntimeException | ServletException e) {
      String incident =
          Incident.log(LOG, "An MCP request over HTTP failed: " + request.getMethod() + " /mcp", e);
      if (!response.isCommitted()) {
        response.reset();
        send(
            response,
            HttpServletResponse.SC_INTERNAL_SERVER_ERROR,
            JsonRpc.error(
                null, JsonRpc.INTERNAL_ERROR, Incident.message(incident, "the daemon's log")));
      }
    }
  }

  private void post(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    String badVersion = badProtocolVersion(request);
    if (!accepts(request, JSON) || !accepts(request, EVENT_STREAM)) {
      refuse(
          request,
          response,
          HttpServletResponse.SC_NOT_ACCEPTABLE,
          null,
          "Not Acceptable: the Accept header must list both application/json and text/event-stream");
      return;
    }
    if (!isJson(request.getContentType())) {
      refuse(
          request,
          response,
          HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE,
          null,
          "Unsupported Media Type: the body must be one JSON-RPC message, Content-Type: application/json (UTF-8)");
      return;
    }
    byte[] body =
        request.getContentLengthLong() > MessageGuard.MAX_MESSAGE_BYTES
            ? null
            : request.getInputStream().readNBytes(MessageGuard.MAX_MESSAGE_BYTES + 1);
    if (body == null || body.length > MessageGuard.MAX_MESSAGE_BYTES) {
      refuse(
          request,
          response,
          HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
          null,
          "Request too large: a message is at most " + MessageGuard.MAX_MESSAGE_BYTES + " bytes");
      return;
    }
    String session = session(request);
    Verdict verdict = guard.check(body, session);
    if (verdict instanceof Refuse refused) {
      send(response, refused.status(), refused.error());
      return;
    }
    boolean initialize = verdict instanceof Pass pass && pass.isInitialize();
    JsonNode id = verdict instanceof Pass pass && pass.kind() == Kind.REQUEST ? pass.id() : null;
    // The version is negotiated by initialize: the header is for the messages after it.
    if (badVersion != null && !initialize) {
      refuseVersion(request, response, id, badVersion);
      return;
    }
    if (session == null && !initialize) {
      refuse(
          request,
          response,
          HttpServletResponse.SC_BAD_REQUEST,
          id,
          "Invalid Request: the Mcp-Session-Id header is required; send `initialize` first to start a session");
      return;
    }
    if (verdict instanceof Drop) {
      response.setStatus(HttpServletResponse.SC_ACCEPTED);
      return;
    }
    Pass pass = (Pass) verdict;
    GuardedResponse guarded =
        new GuardedResponse(
            response,
            "POST",
            session,
            id,
            pass.method(),
            pass.kind() == Kind.RESPONSE,
            serverRequests);
    GuardedRequest wrapped =
        new GuardedRequest(request, pass.canonical(), JSON + ", " + EVENT_STREAM, guarded);
    serve(wrapped, guarded, session, chain);
    String opened = initialize ? response.getHeader(SESSION_HEADER) : null;
    if (opened != null && access != null) {
      String key = access.keyName(bearer(request));
      if (key != null) {
        owners.put(opened, key);
      }
    }
  }

  private void get(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    String badVersion = badProtocolVersion(request);
    if (badVersion != null) {
      refuseVersion(request, response, null, badVersion);
      return;
    }
    if (!accepts(request, EVENT_STREAM)) {
      refuse(
          request,
          response,
          HttpServletResponse.SC_NOT_ACCEPTABLE,
          null,
          "Not Acceptable: the Accept header must list text/event-stream");
      return;
    }
    String session = session(request);
    if (session == null) {
      refuse(
          request,
          response,
          HttpServletResponse.SC_BAD_REQUEST,
          null,
          "Invalid Request: the Mcp-Session-Id header is required; send `initialize` first to start a session");
      return;
    }
    drain(request);
    GuardedResponse guarded =
        new GuardedResponse(response, "GET", session, null, null, false, serverRequests);
    serve(new GuardedRequest(request, null, EVENT_STREAM, guarded), guarded, session, chain);
  }

  private void delete(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    String badVersion = badProtocolVersion(request);
    if (badVersion != null) {
      refuseVersion(request, response, null, badVersion);
      return;
    }
    String session = session(request);
    if (session == null) {
      refuse(
          request,
          response,
          HttpServletResponse.SC_BAD_REQUEST,
          null,
          "Invalid Request: the Mcp-Session-Id header names the session to end");
      return;
    }
    drain(request);
    GuardedResponse guarded =
        new GuardedResponse(response, "DELETE", session, null, null, false, serverRequests);
    serve(new GuardedRequest(request, null, null, guarded), guarded, session, chain);
    if (guarded.succeeded()) {
      ended(session);
    }
  }

  /** Lets the SDK's servlet answer, then answers its refusal, if any, as JSON-RPC. */
  private void serve(
      GuardedRequest request, GuardedResponse response, String session, FilterChain chain)
      throws IOException, ServletException {
    chain.doFilter(request, response);
    if (request.isAsync()) {
      return;
    }
    response.finish();
    if (response.refusal() == HttpServletResponse.SC_NOT_FOUND && session != null) {
      ended(session);
    }
  }

  private void ended(String session) {
    owners.remove(session);
    serverRequests.forgetSession(session);
    sessionEnded.accept(session);
  }

  private static void refuseVersion(
      HttpServletRequest request, HttpServletResponse response, JsonNode id, String version)
      throws IOException {
    refuse(
        request,
        response,
        HttpServletResponse.SC_BAD_REQUEST,
        id,
        "Unsupported MCP-Protocol-Version \""
            + version
            + "\": this server speaks "
            + String.join(", ", McpBridge.PROTOCOL_VERSIONS));
  }

  /** The first MCP-Protocol-Version header this server does not speak, made safe to echo. */
  private static String badProtocolVersion(HttpServletRequest request) {
    for (String value : Collections.list(request.getHeaders(VERSION_HEADER))) {
      if (!McpBridge.PROTOCOL_VERSIONS.contains(value.trim())) {
        String shown = LogSafe.escape(value);
        return shown.length() > 64 ? shown.substring(0, 64) + "…" : shown;
      }
    }
    return null;
  }

  /**
   * Answers 401 with a JSON-RPC error: every request, of every method, needs a key of the daemon,
   * checked anew each time (a removed key is refused from its next request on).
   */
  private static void unauthorized(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String given = bearer(request);
    drain(request);
    response.setHeader("WWW-Authenticate", "Bearer realm=\"parley\"");
    ObjectNode error =
        JsonRpc.error(
            null,
            AccessDeniedException.CODE,
            AccessDeniedException.MESSAGE
                + ": "
                + (given == null
                    ? "this daemon runs with access control: send Authorization: Bearer <access key>"
                    : "no such access key (it may have been removed)"));
    ((ObjectNode) error.get("error"))
        .putObject("data")
        .put("reason", given == null ? "key_required" : "unknown_key")
        .put("detail", given == null ? "no Authorization: Bearer header" : "an unknown key");
    send(response, HttpServletResponse.SC_UNAUTHORIZED, error);
  }

  /** The bearer token of a request ({@code Authorization: Bearer}), or null. */
  static String bearer(HttpServletRequest request) {
    String authorization = request.getHeader("Authorization");
    if (authorization == null
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return null;
    }
    String token = authorization.substring(BEARER.length()).trim();
    return token.isEmpty() ? null : token;
  }

  private static String session(HttpServletRequest request) {
    String session = request.getHeader(SESSION_HEADER);
    return session == null || session.isBlank() ? null : session;
  }

  /** Whether the Accept headers take {@code type} (named, or by a wildcard; not with q=0). */
  static boolean accepts(HttpServletRequest request, String type) {
    String family = type.substring(0, type.indexOf('/')) + "/*";
    for (String header : Collections.list(request.getHeaders("Accept"))) {
      for (String range : header.split(",")) {
        String[] parts = range.split(";");
        String media = parts[0].trim().toLowerCase(Locale.ROOT);
        if (!media.equals(type) && !media.equals(family) && !media.equals("*/*")) {
          continue;
        }
        boolean refused = false;
        for (int i = 1; i < parts.length; i++) {
          String parameter = parts[i].trim().toLowerCase(Locale.ROOT).replace(" ", "");
          refused |= parameter.matches("q=0(\\.0*)?");
        }
        if (!refused) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether a Content-Type is JSON in UTF-8 (the only encoding of JSON between systems). */
  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String[] parts = contentType.split(";");
    if (!parts[0].trim().equalsIgnoreCase(JSON)) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String[] parameter = parts[i].split("=", 2);
      if (parameter[0].trim().equalsIgnoreCase("charset")
          && (parameter.length < 2
              || !parameter[1].trim().replace("\"", "").equalsIgnoreCase("utf-8"))) {
        return false;
      }
    }
    return true;
  }

  private static void refuse(
      HttpServletRequest request,
      HttpServletResponse response,
      int status,
      JsonNode id,
      String message)
      throws IOException {
    drain(request);
    send(response, status, JsonRpc.error(id, JsonRpc.INVALID_REQUEST, message));
  }

  /**
   * Reads what is left of a request's body (up to a bound) before it is answered: Jetty closes a
   * connection whose request was not read to its end, and a client that sends its next request on
   * it meanwhile sees the connection end with no answer.
   */
  private static void drain(HttpServletRequest request) {
    try {
      InputStream body = request.getInputStream();
      byte[] buffer = new byte[8192];
      long left = DRAIN_BYTES;
      for (int n = body.read(buffer); n >= 0 && left > 0; n = body.read(buffer)) {
        left -= n;
      }
    } catch (IOException | IllegalStateException e) {
      // The client is gone, or the body was taken as text: nothing to drain.
    }
  }

  /** Answers with a JSON-RPC message. */
  static void send(HttpServletResponse response, int status, ObjectNode message)
      throws IOException {
    byte[] bytes = MessageGuard.bytes(message);
    response.setStatus(status);
    response.setContentType(JSON);
    response.setCharacterEncoding("UTF-8");
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }
}
