package dev.parley.mcp.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.mcp.guard.Incident;
import dev.parley.mcp.guard.JsonRpc;
import dev.parley.mcp.guard.LogSafe;
import dev.parley.mcp.guard.ServerRequests;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import org.eclipse.jetty.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A response of {@code /mcp} as the SDK's servlet writes it. A refusal of the SDK (an error status,
 * with a body that is a serialized Java exception, or none) is held back and answered as a JSON-RPC
 * error with the same status once the servlet returns ({@link #finish()}); an event stream goes
 * through an {@link EventStream}; a session ended by DELETE is answered 204.
 */
final class GuardedResponse extends HttpServletResponseWrapper {
  private static final Logger LOG = LoggerFactory.getLogger(GuardedResponse.class);
  private static final String EVENT_STREAM = "text/event-stream";

  private final String method;
  private final String session;
  private final JsonNode request;
  private final String rpcMethod;
  private final boolean clientResponse;
  private final ServerRequests serverRequests;
  private int refusal;
  private String refusalReason;
  private PrintWriter writer;
  private EventStream stream;
  private boolean succeeded;

  /**
   * @param method the HTTP method
   * @param session the {@code Mcp-Session-Id}, or {@code null}
   * @param request the id of the JSON-RPC request answered, or {@code null}
   * @param rpcMethod its method, or {@code null}
   * @param clientResponse whether the message is a client's response to a request of the server
   */
  GuardedResponse(
      HttpServletResponse response,
      String method,
      String session,
      JsonNode request,
      String rpcMethod,
      boolean clientResponse,
      ServerRequests serverRequests) {
    super(response);
    this.method = method;
    this.session = session;
    this.request = request;
    this.rpcMethod = rpcMethod;
    this.clientResponse = clientResponse;
    this.serverRequests = serverRequests;
  }

  @Override
  public void setStatus(int status) {
    if (status >= 400) {
      refusal = status;
    } else if ("DELETE".equals(method) && status == HttpServletResponse.SC_OK) {
      // The session is gone and there is nothing to say: no empty 200.
      succeeded = true;
      super.setStatus(HttpServletResponse.SC_NO_CONTENT);
    } else {
      succeeded = status < 300;
      super.setStatus(status);
    }
  }

  @Override
  public void sendError(int status, String reason) {
    refusal = status;
    refusalReason = reason;
  }

  @Override
  public void sendError(int status) {
    sendError(status, null);
  }

  @Override
  public PrintWriter getWriter() throws IOException {
    if (refusal != 0) {
      return new PrintWriter(Writer.nullWriter());
    }
    if (writer == null) {
      String type = getContentType();
      if (type != null && type.startsWith(EVENT_STREAM)) {
        stream = new EventStream(super.getWriter(), session, request, rpcMethod, serverRequests);
        writer = new PrintWriter(stream);
      } else {
        writer = super.getWriter();
      }
    }
    return writer;
  }

  @Override
  public ServletOutputStream getOutputStream() throws IOException {
    if (refusal == 0) {
      return super.getOutputStream();
    }
    return new ServletOutputStream() {
      @Override
      public boolean isReady() {
        return true;
      }

      @Override
      public void setWriteListener(WriteListener listener) {
        throw new IllegalStateException("a refusal is answered synchronously");
      }

      @Override
      public void write(int b) {
        // A refusal's body is written by finish().
      }
    };
  }

  /** Whether the SDK answered with success (for DELETE: the session ended). */
  boolean succeeded() {
    return refusal == 0 && succeeded;
  }

  /** The status the SDK refused with, or 0. */
  int refusal() {
    return refusal;
  }

  /** Once the servlet has answered synchronously: the SDK's refusal as a JSON-RPC error. */
  void finish() throws IOException {
    if (refusal == 0) {
      return;
    }
    HttpServletResponse response = (HttpServletResponse) getResponse();
    if (response.isCommitted()) {
      return;
    }
    response.reset();
    int code = JsonRpc.INVALID_REQUEST;
    String message;
    int status = refusal;
    if (clientResponse && refusal == HttpServletResponse.SC_INTERNAL_SERVER_ERROR) {
      // The SDK stopped waiting for it meanwhile (its request timed out, or its stream ended).
      status = HttpServletResponse.SC_BAD_REQUEST;
      message = "Invalid Request: the server no longer waits for a response with this id";
    } else if (refusal == HttpServletResponse.SC_NOT_FOUND) {
      code = JsonRpc.SESSION_NOT_FOUND;
      message = McpGuardFilter.SESSION_NOT_FOUND;
    } else if (refusal == HttpServletResponse.SC_SERVICE_UNAVAILABLE) {
      code = JsonRpc.INTERNAL_ERROR;
      message = "Service Unavailable: the server is shutting down";
    } else if (refusal >= 500) {
      code = JsonRpc.INTERNAL_ERROR;
      String incident =
          Incident.log(
              LOG,
              "The MCP SDK failed on "
                  + method
                  + " /mcp"
                  + (rpcMethod == null ? "" : " (" + rpcMethod + ")")
                  + " with "
                  + refusal,
              null);
      message = Incident.message(incident, "the daemon's log");
    } else {
      message =
          HttpStatus.getMessage(refusal)
              + (refusalReason == null ? "" : ": " + LogSafe.escape(refusalReason));
      LOG.debug("The MCP SDK refused {} /mcp with {}", method, refusal);
    }
    McpGuardFilter.send(response, status, JsonRpc.error(request, code, message));
  }

  /** Before the SDK completes the event stream. */
  void answerIfUnanswered() {
    if (stream != null) {
      stream.answerIfUnanswered();
    }
  }

  /** After the event stream has ended. */
  void streamEnded() {
    if (stream != null) {
      stream.ended();
    }
  }
}
