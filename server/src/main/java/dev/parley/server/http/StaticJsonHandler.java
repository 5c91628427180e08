package dev.parley.server.http;

import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Answers {@code GET} (and {@code HEAD}) with a JSON document: the spec, the health report. */
public final class StaticJsonHandler extends Handler.Abstract.NonBlocking {
  private final Supplier<byte[]> body;

  /** @param body the document to send, produced per request */
  public StaticJsonHandler(Supplier<byte[]> body) {
    this.body = body;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      JsonResponses.send(response, HttpStatus.METHOD_NOT_ALLOWED_405,
          "{\"error\":\"use GET\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8), callback);
      return true;
    }
    JsonResponses.send(response, HttpStatus.OK_200, body.get(), callback);
    return true;
  }
}
