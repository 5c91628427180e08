package dev.parley.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.spec.Json;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/** Jetty's error pages (404, bad HTTP, ...) as small JSON objects, never HTML or stack traces. */
public final class JsonErrorHandler extends ErrorHandler {
  private static final ObjectMapper MAPPER = Json.mapper();

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    int status =
        response.getStatus() > 0 ? response.getStatus() : HttpStatus.INTERNAL_SERVER_ERROR_500;
    ObjectNode body = MAPPER.createObjectNode();
    body.put("status", status);
    String reason = HttpStatus.getMessage(status);
    body.put(
        "error",
        status == HttpStatus.NOT_FOUND_404
            ? "not found: this server answers POST /rpc, GET /openrpc.json, GET /health, the viewer at / and /observe"
            : reason);
    JsonResponses.send(response, status, MAPPER.writeValueAsBytes(body), callback);
    return true;
  }
}
