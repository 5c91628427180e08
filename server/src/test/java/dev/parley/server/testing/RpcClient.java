package dev.parley.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.server.rpc.SpecSchemas;
import dev.parley.spec.SpecDocument;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A plain HTTP JSON-RPC client for tests. Every result it receives is checked against the method's
 * result schema in openrpc.json, and every error against its declared code and data shape, so that
 * any test that calls the server also checks the server against the spec.
 */
public final class RpcClient {
  /** Shared: one connection pool for all test clients. */
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  public static final ObjectMapper JSON = new ObjectMapper();
  private static final SpecSchemas SCHEMAS = new SpecSchemas(SpecDocument.get().tree());
  private static final AtomicLong IDS = new AtomicLong();

  private final URI endpoint;
  private final String session;
  private final String username;

  RpcClient(URI endpoint, String session) {
    this(endpoint, session, null);
  }

  private RpcClient(URI endpoint, String session, String username) {
    this.endpoint = endpoint;
    this.session = session;
    this.username = username;
  }

  /**
   * A client without a session for the daemon at {@code base} (such as {@code
   * http://127.0.0.1:8890}).
   */
  public static RpcClient at(URI base) {
    return new RpcClient(base.resolve("/rpc"), null);
  }

  /** The session token, or null. */
  public String session() {
    return session;
  }

  /** The username this client logged in as, or null. */
  public String username() {
    return username;
  }

  /** Logs in and returns a client bound to the new session. */
  public RpcClient login(String name, String room) {
    JsonNode result = call("login", Map.of("username", name, "room", room));
    return new RpcClient(endpoint, result.get("session").asText(), name);
  }

  /** A client for the same server with another (or no) bearer token. */
  public RpcClient withSession(String token) {
    return new RpcClient(endpoint, token, username);
  }

  /** Calls {@code method} and returns its result; fails the test on an error. */
  public JsonNode call(String method, Map<String, ?> params) {
    JsonNode response = request(method, params);
    assertThat(response.has("error")).as("error from %s: %s", method, response).isFalse();
    return response.get("result");
  }

  /** Calls a method without params. */
  public JsonNode call(String method) {
    return call(method, Map.of());
  }

  /** Calls {@code method}, expecting error {@code code}; returns the error object. */
  public JsonNode error(String method, Map<String, ?> params, int code) {
    JsonNode response = request(method, params);
    assertThat(response.has("error"))
        .as("%s should fail with %s: %s", method, code, response)
        .isTrue();
    assertThat(response.get("error").get("code").asInt())
        .as("code of %s", response)
        .isEqualTo(code);
    return response.get("error");
  }

  /** Calls {@code method} and returns the whole response object, checked against the spec. */
  public JsonNode request(String method, Map<String, ?> params) {
    ObjectNode body = JSON.createObjectNode();
    body.put("jsonrpc", "2.0");
    body.put("method", method);
    body.set("params", JSON.valueToTree(params));
    body.put("id", IDS.incrementAndGet());
    HttpResponse<String> http = post(body.toString());
    assertThat(http.statusCode()).as("HTTP status of %s", method).isEqualTo(200);
    JsonNode response = parse(http.body());
    checkAgainstSpec(method, response);
    return response;
  }

  /** Calls asynchronously; the future completes with the checked result. */
  public CompletableFuture<JsonNode> callAsync(String method, Map<String, ?> params) {
    ObjectNode body = JSON.createObjectNode();
    body.put("jsonrpc", "2.0");
    body.put("method", method);
    body.set("params", JSON.valueToTree(params));
    body.put("id", IDS.incrementAndGet());
    return HTTP.sendAsync(request(body.toString()), HttpResponse.BodyHandlers.ofString())
        .thenApply(
            http -> {
              assertThat(http.statusCode()).isEqualTo(200);
              JsonNode response = parse(http.body());
              checkAgainstSpec(method, response);
              assertThat(response.has("error")).as("error from %s: %s", method, response).isFalse();
              return response.get("result");
            });
  }

  /** Posts a raw body to /rpc, with this client's session if it has one. */
  public HttpResponse<String> post(String body) {
    try {
      return HTTP.send(request(body), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private HttpRequest request(String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(endpoint)
            .timeout(Duration.ofSeconds(120))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (session != null) {
      b.header("Authorization", "Bearer " + session);
    }
    return b.build();
  }

  /** The {@code sender: content} lines of a result's messages. */
  public static List<String> lines(JsonNode result) {
    List<String> out = new ArrayList<>();
    for (JsonNode m : result.path("messages")) {
      out.add(m.get("sender_id").asText() + ": " + m.get("content").asText());
    }
    return out;
  }

  /** Only the chat lines of a result's messages. */
  public static List<String> chatLines(JsonNode result) {
    List<String> out = new ArrayList<>();
    for (JsonNode m : result.path("messages")) {
      if ("chat".equals(m.get("kind").asText())) {
        out.add(m.get("sender_id").asText() + ": " + m.get("content").asText());
      }
    }
    return out;
  }

  /** Parses a body, failing the test when it is not JSON. */
  public static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + body, e);
    }
  }

  /**
   * Checks one response object against the spec: result schema, or declared error code and data.
   */
  public static void checkAgainstSpec(String method, JsonNode response) {
    assertThat(response.get("jsonrpc").asText()).isEqualTo("2.0");
    if (response.has("result")) {
      assertThat(SCHEMAS.validateResult(method, response.get("result")))
          .as("result of %s against its schema: %s", method, response)
          .isEmpty();
    } else {
      JsonNode error = response.get("error");
      int code = error.get("code").asInt();
      assertThat(declaredCodes(method))
          .as("error %s of %s is declared", code, method)
          .contains(code);
      assertThat(SCHEMAS.validateErrorData(code, error.path("data")))
          .as("data of error %s against its declared shape: %s", code, error)
          .isEmpty();
    }
  }

  /** The error codes the spec declares for {@code method} (plus -32601 for any name). */
  public static List<Integer> declaredCodes(String method) {
    JsonNode doc = SpecDocument.get().tree();
    List<Integer> codes = new ArrayList<>(List.of(-32700, -32600, -32601));
    JsonNode m = SpecDocument.get().method(method);
    for (JsonNode ref : m.path("errors")) {
      String name = ref.get("$ref").asText().substring("#/components/errors/".length());
      codes.add(doc.path("components").path("errors").path(name).path("code").asInt());
    }
    return codes;
  }
}
