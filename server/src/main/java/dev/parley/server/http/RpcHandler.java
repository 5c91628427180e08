package dev.parley.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.api.InvalidRequestException;
import dev.parley.server.rpc.CallRouting;
import dev.parley.server.rpc.JsonRpcEndpoint;
import dev.parley.spec.JsonRpcErrors;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code POST /rpc}: the body goes to the JSON-RPC endpoint with the bearer token and the client's
 * address (the connection's peer, for the per-address door limit). 200 with the response, 204 when
 * there is none (notifications), 413 for a body over the limit.
 */
public final class RpcHandler extends Handler.Abstract {
  private static final String BEARER = "Bearer ";

  /** How much of an oversized body is read and thrown away before the 413 is sent. */
  private static final long DRAIN_LIMIT = 64L * 1024 * 1024;

  /** The first buffer for a body of unknown length: most calls are a few hundred bytes. */
  private static final int FIRST_CHUNK = 1024;

  /**
   * The header a daemon puts on a call it forwards to another daemon of the same store: their
   * shared secret, which makes the next header trusted.
   */
  public static final String NODE_SECRET = "Parley-Node-Secret";

  /** The address of the client a forwarded call came from, trusted with {@link #NODE_SECRET}. */
  public static final String FORWARDED_FOR = "Parley-Forwarded-For";

  private final JsonRpcEndpoint endpoint;
  private final int bodyLimit;
  private final byte[] nodeSecret;

  /**
   * @param endpoint the JSON-RPC endpoint
   * @param bodyLimit the largest body accepted, in bytes
   */
  public RpcHandler(JsonRpcEndpoint endpoint, int bodyLimit) {
    this(endpoint, bodyLimit, null);
  }

  /**
   * As {@link #RpcHandler(JsonRpcEndpoint, int)}, among several daemons sharing one store.
   *
   * @param nodeSecret the secret they share, which a call forwarded by one of them carries; null
   *     for a daemon alone
   */
  public RpcHandler(JsonRpcEndpoint endpoint, int bodyLimit, String nodeSecret) {
    this.endpoint = endpoint;
    this.bodyLimit = bodyLimit;
    this.nodeSecret =
        nodeSecret == null ? null : nodeSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (!HttpMethod.POST.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "POST");
      JsonResponses.send(
          response,
          HttpStatus.METHOD_NOT_ALLOWED_405,
          "{\"error\":\"send JSON-RPC 2.0 requests with POST\"}"
              .getBytes(java.nio.charset.StandardCharsets.UTF_8),
          callback);
      return true;
    }
    byte[] body = body(request);
    if (body == null) {
      JsonResponses.send(response, HttpStatus.PAYLOAD_TOO_LARGE_413, tooLarge(), callback);
      return true;
    }
    String secret = request.getHeaders().get(NODE_SECRET);
    boolean forwarded =
        nodeSecret != null
            && secret != null
            && java.security.MessageDigest.isEqual(
                nodeSecret, secret.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String client = forwarded ? request.getHeaders().get(FORWARDED_FOR) : null;
    JsonNode reply;
    try {
      reply =
          endpoint.handle(
              body,
              bearer(request.getHeaders().get(HttpHeader.AUTHORIZATION)),
              client != null ? client : Request.getRemoteAddr(request),
              forwarded,
              // What another daemon reached is not what its client did: the file's default then.
              forwarded ? null : ReachedUrl.rpc(request));
    } catch (CallRouting.Misdirected e) {
      // Only another daemon sees this: it asks again who serves the room.
      JsonResponses.send(response, HttpStatus.MISDIRECTED_REQUEST_421, plain(e), callback);
      return true;
    } catch (CallRouting.OwnerLost e) {
      // As if the client's own connection had dropped: it retries, with its txn_id.
      JsonResponses.send(response, HttpStatus.BAD_GATEWAY_502, plain(e), callback);
      return true;
    }
    if (reply == null) {
      response.setStatus(HttpStatus.NO_CONTENT_204);
      callback.succeeded();
    } else {
      JsonResponses.send(
          response, HttpStatus.OK_200, endpoint.mapper().writeValueAsBytes(reply), callback);
    }
    return true;
  }

  /**
   * The body, in an array of its own size: read by its declared length, or (chunked) in a buffer
   * that doubles from {@value #FIRST_CHUNK} bytes up to one byte over the limit. Null when it is
   * over the limit; then it has been drained, so that a client that is still sending finishes (up
   * to a bound) and reads the 413 instead of meeting a closed connection.
   */
  private byte[] body(Request request) throws IOException {
    long declared = request.getLength();
    try (InputStream in = Content.Source.asInputStream(request)) {
      if (declared > bodyLimit) {
        drain(in, DRAIN_LIMIT);
        return null;
      }
      if (declared >= 0) {
        byte[] body = new byte[(int) declared];
        int read = in.readNBytes(body, 0, body.length);
        return read == body.length ? body : Arrays.copyOf(body, read);
      }
      byte[] buffer = new byte[Math.min(bodyLimit + 1, FIRST_CHUNK)];
      int length = 0;
      for (int read; (read = in.read(buffer, length, buffer.length - length)) >= 0; ) {
        length += read;
        if (length == buffer.length) {
          if (length > bodyLimit) {
            drain(in, DRAIN_LIMIT);
            return null;
          }
          buffer = Arrays.copyOf(buffer, (int) Math.min(bodyLimit + 1L, 2L * buffer.length));
        }
      }
      return Arrays.copyOf(buffer, length);
    }
  }

  private byte[] plain(RuntimeException e) throws Exception {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("error", e.getMessage());
    return endpoint.mapper().writeValueAsBytes(body);
  }

  private byte[] tooLarge() throws Exception {
    ObjectNode data = JsonNodeFactory.instance.objectNode();
    data.put("detail", "the body is larger than " + bodyLimit + " bytes");
    data.put("limit", bodyLimit);
    return endpoint
        .mapper()
        .writeValueAsBytes(
            JsonRpcErrors.response(
                null, InvalidRequestException.CODE, InvalidRequestException.MESSAGE, data));
  }

  private static void drain(InputStream in, long max) throws IOException {
    byte[] sink = new byte[64 * 1024];
    long drained = 0;
    for (int n = in.read(sink); n >= 0 && drained < max; n = in.read(sink)) {
      drained += n;
    }
  }

  private static String bearer(String authorization) {
    if (authorization == null
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return null;
    }
    String token = authorization.substring(BEARER.length()).trim();
    return token.isEmpty() ? null : token;
  }
}
