package dev.parley.mcp.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.mcp.guard.Incident;
import dev.parley.mcp.guard.JsonRpc;
import dev.parley.mcp.guard.MessageGuard;
import dev.parley.mcp.guard.ServerRequests;
import dev.parley.spec.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server-sent event stream of {@code /mcp}, between the SDK's transport and the client, event
 * by event. Each event gets an id of its own: the SDK gives every response the session's id, the
 * same on every stream, where the transport wants ids unique across a session's streams. An
 * internal error the SDK answers (an exception of one of its handlers, message and causes included)
 * is answered with an incident id instead, its details logged. The requests the server sends on the
 * stream are noted, so that their responses can be taken. And a stream that the SDK ends without
 * the answer to its request (a handler that threw before answering) gets an internal error as its
 * answer, never an empty body.
 */
final class EventStream extends Writer {
  private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
  private static final ObjectMapper JSON = Json.mapper();
  private static final int SENT_KEPT = 64;

  private final PrintWriter out;
  private final String session;
  private final JsonNode request;
  private final String method;
  private final ServerRequests serverRequests;
  private final String streamId = UUID.randomUUID().toString();
  private final StringBuilder pending = new StringBuilder();

  /** The latest requests of the server on this stream (older ones the registry forgets itself). */
  private final ArrayDeque<JsonNode> sent = new ArrayDeque<>();

  private long events;
  private boolean answered;

  /**
   * @param out where the events go
   * @param session the MCP session of the stream
   * @param request the id of the request this stream answers, or {@code null} (a GET stream)
   * @param method that request's method
   * @param serverRequests where the server's requests are noted
   */
  EventStream(
      PrintWriter out,
      String session,
      JsonNode request,
      String method,
      ServerRequests serverRequests) {
    this.out = out;
    this.session = session;
    this.request = request;
    this.method = method;
    this.serverRequests = serverRequests;
  }

  @Override
  public synchronized void write(char[] chars, int offset, int length) {
    pending.append(chars, offset, length);
    for (int end = pending.indexOf("\n\n"); end >= 0; end = pending.indexOf("\n\n")) {
      String event = pending.substring(0, end);
      pending.delete(0, end + 2);
      out.write(rewrite(event));
    }
  }

  @Override
  public synchronized void flush() throws IOException {
    out.flush();
    if (out.checkError()) {
      throw new IOException("the client closed the event stream");
    }
  }

  @Override
  public void close() throws IOException {
    flush();
  }

  /** Before the stream ends: the request's answer, if the SDK gave none. */
  synchronized void answerIfUnanswered() {
    if (request == null || answered) {
      return;
    }
    if (out.checkError()) {
      // The client went away before the answer: there is no one to tell.
      answered = true;
      return;
    }
    String incident =
        Incident.log(
            LOG, "The MCP SDK ended its answer to " + method + " without a response", null);
    ObjectNode error =
        JsonRpc.error(
            request, JsonRpc.INTERNAL_ERROR, Incident.message(incident, "the daemon's log"));
    out.write(event("message", new String(MessageGuard.bytes(error), StandardCharsets.UTF_8)));
    out.flush();
    answered = true;
  }

  /** When the stream has ended: the server's requests sent on it can no longer be answered. */
  void ended() {
    List<JsonNode> ids;
    synchronized (this) {
      ids = List.copyOf(sent);
    }
    serverRequests.forget(session, ids);
  }

  private String rewrite(String event) {
    String type = null;
    StringBuilder data = null;
    for (String line : event.split("\n", -1)) {
      if (line.startsWith("data:")) {
        String value = line.substring(line.startsWith("data: ") ? 6 : 5);
        data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
      } else if (line.startsWith("event:")) {
        type = line.substring(line.startsWith("event: ") ? 7 : 6);
      }
    }
    return event(type, data == null ? null : inspect(data.toString()));
  }

  private String event(String type, String data) {
    StringBuilder event =
        new StringBuilder("id: ").append(streamId).append('-').append(++events).append('\n');
    if (type != null) {
      event.append("event: ").append(type).append('\n');
    }
    if (data != null) {
      event.append("data: ").append(data).append('\n');
    }
    return event.append('\n').toString();
  }

  /** One message of the SDK, as it goes to the client. */
  private String inspect(String data) {
    JsonNode message;
    try {
      message = JSON.readTree(data);
    } catch (IOException e) {
      return data;
    }
    if (message == null || !message.isObject() || !message.hasNonNull("id")) {
      return data;
    }
    JsonNode id = message.get("id");
    if (message.has("method")) {
      serverRequests.sent(session, id);
      sent.add(id);
      if (sent.size() > SENT_KEPT) {
        sent.removeFirst();
      }
      return data;
    }
    if (id.equals(request)) {
      answered = true;
    }
    if (message.path("error").path("code").asInt() != JsonRpc.INTERNAL_ERROR) {
      return data;
    }
    String incident =
        Incident.log(
            LOG,
            "The MCP SDK answered " + method + " with an internal error: " + message.get("error"),
            null);
    ObjectNode error =
        JsonRpc.error(id, JsonRpc.INTERNAL_ERROR, Incident.message(incident, "the daemon's log"));
    return new String(MessageGuard.bytes(error), StandardCharsets.UTF_8);
  }
}
