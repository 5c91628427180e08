package dev.parley.server.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Answers {@code GET} (and {@code HEAD}) with a document made per request: the spec, the health
 * report and the stats as JSON, the metrics as Prometheus text.
 */
public final class StaticHandler extends Handler.Abstract.NonBlocking {
  /** The Prometheus text exposition format. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final String contentType;
  private final Function<Request, byte[]> body;

  private StaticHandler(String contentType, Function<Request, byte[]> body) {
    this.contentType = contentType;
    this.body = body;
  }

  /** A JSON document. */
  public static StaticHandler json(Supplier<byte[]> body) {
    return new StaticHandler(JsonResponses.JSON, request -> body.get());
  }

  /** A JSON document that depends on the request (such as the URL it reached). */
  public static StaticHandler jsonFor(Function<Request, byte[]> body) {
    return new StaticHandler(JsonResponses.JSON, body);
  }

  /** Metrics in the Prometheus text format. */
  public static StaticHandler prometheus(Supplier<byte[]> body) {
    return new StaticHandler(PROMETHEUS_TEXT, request -> body.get());
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      JsonResponses.send(
          response,
          HttpStatus.METHOD_NOT_ALLOWED_405,
          "{\"error\":\"use GET\"}".getBytes(StandardCharsets.UTF_8),
          callback);
      return true;
    }
    response.setStatus(HttpStatus.OK_200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(body.apply(request)), callback);
    return true;
  }
}
