package dev.parley.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.Connection;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;

/**
 * The harness's own HTTP client (Jetty's), for the scenarios wrk cannot drive: many long-polling
 * sessions, each on a keep-alive connection of its own, as an agent keeps one. Callbacks only stamp
 * the arrival time and keep the body; parsing happens after the measurement.
 */
final class Http implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  /** Longer than any check the harness makes (the daemon caps them at 60 s). */
  private static final long REQUEST_TIMEOUT_MS = 120_000;

  private final HttpClient client = new HttpClient();
  private final URI base;

  Http(URI base) throws Exception {
    this.base = base;
    client.setMaxConnectionsPerDestination(100_000);
    client.setMaxRequestsQueuedPerDestination(100_000);
    client.setIdleTimeout(REQUEST_TIMEOUT_MS);
    client.setConnectTimeout(30_000);
    client.setUserAgentField(null);
    client.start();
  }

  /** The underlying client, for a WebSocket client that shares its threads. */
  HttpClient client() {
    return client;
  }

  URI base() {
    return base;
  }

  /** Opens a connection that only this caller uses. */
  Conn open() {
    try {
      Request probe = client.newRequest(base);
      return new Conn(client.resolveDestination(probe).newConnection().get(30, TimeUnit.SECONDS));
    } catch (Exception e) {
      throw new IllegalStateException("cannot connect to " + base, e);
    }
  }

  @Override
  public void close() throws Exception {
    client.stop();
  }

  /** An answer and when it arrived ({@link System#nanoTime()}). */
  record Reply(int status, String body, long arrived) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    /** The JSON-RPC result; fails on anything else. */
    JsonNode result() {
      JsonNode reply = json();
      if (status != 200 || !reply.has("result")) {
        throw new IllegalStateException("HTTP " + status + ": " + body);
      }
      return reply.get("result");
    }
  }

  /** One keep-alive connection, one request at a time, with an optional bearer token. */
  final class Conn implements AutoCloseable {
    private final Connection connection;
    private String token;

    private Conn(Connection connection) {
      this.connection = connection;
    }

    String token() {
      return token;
    }

    void token(String session) {
      token = session;
    }

    /** Sends a request without waiting. */
    CompletableFuture<Reply> send(HttpMethod method, String pathAndQuery, String body) {
      Request request =
          client
              .newRequest(base.resolve(pathAndQuery))
              .method(method)
              .timeout(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      if (token != null) {
        request.headers(h -> h.put(HttpHeader.AUTHORIZATION, "Bearer " + token));
      }
      if (body != null) {
        request.body(new StringRequestContent("application/json", body, StandardCharsets.UTF_8));
      }
      CompletableFuture<Reply> reply = new CompletableFuture<>();
      connection.send(
          request,
          new BufferingResponseListener(4 * 1024 * 1024) {
            @Override
            public void onComplete(Result result) {
              long arrived = System.nanoTime();
              if (result.isFailed()) {
                reply.completeExceptionally(result.getFailure());
              } else {
                reply.complete(
                    new Reply(
                        result.getResponse().getStatus(),
                        getContentAsString(StandardCharsets.UTF_8),
                        arrived));
              }
            }
          });
      return reply;
    }

    /** Sends a JSON-RPC call without waiting. */
    CompletableFuture<Reply> rpc(String method, String params) {
      return send(
          HttpMethod.POST,
          "/rpc",
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}");
    }

    /** Calls and waits for the result. */
    JsonNode call(String method, String params) {
      return await(rpc(method, params)).result();
    }

    @Override
    public void close() {
      connection.close();
    }
  }

  static Reply await(CompletableFuture<Reply> reply) {
    try {
      return reply.get(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("request failed", e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException("request failed", e);
    }
  }
}
