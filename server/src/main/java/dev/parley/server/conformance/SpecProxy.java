package dev.parley.server.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.server.http.ReachedUrl;
import dev.parley.server.rpc.SpecSchemas;
import dev.parley.spec.SpecDocument;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A proxy between a client under development and a Parley server that checks every call against the
 * spec: a request's params against the method's schema (by name, as the spec takes them), its
 * session where the method needs one; a response's result against the result schema, its error
 * against the codes the method declares and {@code x-error-data}. Each violation (which call, which
 * JSON pointer, which rule) goes to stderr and to {@code GET /violations}; the traffic itself
 * passes unchanged. Other {@code GET}s (such as {@code /openrpc.json}) are forwarded as they are.
 */
public final class SpecProxy implements AutoCloseable {
  /** The largest body forwarded; a larger one is refused with 413. */
  public static final int BODY_LIMIT = 16 * 1024 * 1024;

  /** How many bytes of violations {@code GET /violations} keeps; the oldest go first. */
  public static final int KEPT_BYTES = 1024 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(120);

  private final URI upstream;
  private final PrintWriter err;
  private final Server jetty;
  private final ServerConnector connector;
  private final HttpClient http = HttpClient.newHttpClient();
  private final SpecSchemas schemas = new SpecSchemas(SpecDocument.get().tree());
  private final AtomicLong calls = new AtomicLong();

  private final Object lock = new Object();
  private final ArrayDeque<Kept> kept = new ArrayDeque<>();
  private long keptBytes;
  private long dropped;

  /**
   * Starts a proxy.
   *
   * @param host the address to listen on
   * @param port the port to listen on, 0 for any free one
   * @param upstream the server's base URL, such as {@code http://127.0.0.1:8890}
   * @param err where each violation is reported as it is found
   */
  public SpecProxy(String host, int port, URI upstream, PrintWriter err) throws Exception {
    this.upstream = upstream;
    this.err = err;
    QueuedThreadPool pool = new QueuedThreadPool();
    pool.setName("parley-proxy");
    // A forwarded check waits upstream: each request on its own virtual thread.
    pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
    jetty = new Server(pool);
    connector = new ServerConnector(jetty);
    connector.setHost(host);
    connector.setPort(port);
    jetty.addConnector(connector);
    jetty.setHandler(new Proxy());
    jetty.start();
  }

  /** The proxy's base URL. */
  public URI uri() {
    return URI.create("http://" + connector.getHost() + ":" + connector.getLocalPort());
  }

  /** The violations kept, oldest first. */
  public List<Violation> violations() {
    synchronized (lock) {
      return kept.stream().map(Kept::violation).toList();
    }
  }

  /** Waits until the proxy stops. */
  public void join() throws InterruptedException {
    jetty.join();
  }

  @Override
  public void close() throws Exception {
    jetty.stop();
  }

  private final class Proxy extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      String path = Request.getPathInContext(request);
      boolean get = HttpMethod.GET.is(request.getMethod());
      if (get && "/violations".equals(path)) {
        send(response, 200, JSON.writeValueAsBytes(report()), callback);
      } else if (get) {
        HttpResponse<byte[]> answer =
            http.send(
                HttpRequest.newBuilder(upstream.resolve(path)).timeout(CALL_TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        byte[] body = answer.body();
        if ("/openrpc.json".equals(path) && answer.statusCode() == 200) {
          body = serversHere(body, request, false);
        }
        send(response, answer.statusCode(), body, callback);
      } else if (HttpMethod.POST.is(request.getMethod()) && "/rpc".equals(path)) {
        rpc(request, response, callback);
      } else {
        byte[] body =
            "{\"error\":\"the proxy forwards POST /rpc and GET\"}".getBytes(StandardCharsets.UTF_8);
        send(response, HttpStatus.NOT_FOUND_404, body, callback);
      }
      return true;
    }

    private void rpc(Request request, Response response, Callback callback) throws Exception {
      byte[] body;
      try (InputStream in = Content.Source.asInputStream(request)) {
        body = in.readNBytes(BODY_LIMIT + 1);
      }
      if (body.length > BODY_LIMIT) {
        byte[] refused =
            ("{\"error\":\"the proxy forwards bodies of at most " + BODY_LIMIT + " bytes\"}")
                .getBytes(StandardCharsets.UTF_8);
        send(response, HttpStatus.PAYLOAD_TOO_LARGE_413, refused, callback);
        return;
      }
      String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
      Map<String, Call> byId = checkRequest(body, authorization != null);
      HttpRequest.Builder forward =
          HttpRequest.newBuilder(upstream.resolve("/rpc"))
              .timeout(CALL_TIMEOUT)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      if (authorization != null) {
        forward.header("Authorization", authorization);
      }
      HttpResponse<byte[]> answer =
          http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
      checkResponse(answer.body(), byId);
      byte[] reply = answer.body();
      if (byId.values().stream().anyMatch(c -> "rpc.discover".equals(c.method()))) {
        reply = serversHere(reply, request, true);
      }
      send(response, answer.statusCode(), reply, callback);
    }
  }

  /**
   * The one change the proxy makes: the document's {@code servers} names the proxy, so that a
   * client that reads it ({@code GET /openrpc.json} or {@code rpc.discover}) keeps calling through
   * it.
   */
  private static byte[] serversHere(byte[] body, Request request, boolean inResults) {
    try {
      JsonNode tree = JSON.readTree(body);
      List<JsonNode> documents = new ArrayList<>();
      if (!inResults) {
        documents.add(tree);
      } else if (tree.isArray()) {
        tree.forEach(r -> documents.add(r.path("result")));
      } else {
        documents.add(tree.path("result"));
      }
      for (JsonNode doc : documents) {
        if (doc.isObject() && doc.has("openrpc")) {
          ((ObjectNode) doc)
              .putArray("servers")
              .addObject()
              .put("name", "parley proxy")
              .put("url", ReachedUrl.rpc(request));
        }
      }
      return JSON.writeValueAsBytes(tree);
    } catch (IOException e) {
      return body; // not JSON: checkResponse has reported it
    }
  }

  /** One call of a request: its number in this proxy's traffic, its method and id. */
  private record Call(long number, String method, JsonNode id) {
    String label() {
      return "call #"
          + number
          + " "
          + (method == null ? "(no method)" : method)
          + " (id "
          + id
          + ")";
    }
  }

  /** Checks the calls of a body; the valid calls with an id, by id, for their answers. */
  private Map<String, Call> checkRequest(byte[] body, boolean hasSession) {
    Map<String, Call> byId = new HashMap<>();
    JsonNode tree;
    try {
      tree = JSON.readTree(body);
    } catch (IOException e) {
      report(
          new Call(calls.incrementAndGet(), null, null),
          "request",
          "",
          "JSON",
          "the body is not JSON: " + firstLine(e));
      return byId;
    }
    boolean batch = tree != null && tree.isArray();
    List<JsonNode> items = items(tree);
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      String at = batch ? "/" + i : "";
      JsonNode method = item == null ? null : item.path("method");
      Call call =
          new Call(
              calls.incrementAndGet(),
              method != null && method.isTextual() ? method.asText() : null,
              item == null ? null : item.get("id"));
      if (item == null || !item.isObject()) {
        report(call, "request", at, "JSON-RPC 2.0", "a request must be an object");
        continue;
      }
      if (!"2.0".equals(item.path("jsonrpc").asText(null))) {
        report(call, "request", at + "/jsonrpc", "JSON-RPC 2.0", "must be exactly \"2.0\"");
      }
      if (call.method() == null) {
        report(call, "request", at + "/method", "JSON-RPC 2.0", "must be a string");
        continue;
      }
      JsonNode spec = SpecDocument.get().method(call.method());
      if (spec.isMissingNode()) {
        report(
            call, "request", at + "/method", "methods", "the spec has no method " + call.method());
        continue;
      }
      JsonNode params = item.path("params");
      if (params.isArray() && !params.isEmpty()) {
        report(
            call,
            "request",
            at + "/params",
            "paramStructure",
            "the spec takes params by name, as an object");
      } else if (!params.isMissingNode() && !params.isObject() && !params.isArray()) {
        report(call, "request", at + "/params", "JSON-RPC 2.0", "must be an object");
      } else {
        ObjectNode named =
            params.isObject() ? ((ObjectNode) params).deepCopy() : JSON.createObjectNode();
        for (SpecSchemas.Violation v : schemas.validateParams(call.method(), named)) {
          report(call, "request", at + "/params" + v.pointer(), "params schema", v.detail());
        }
      }
      if (spec.path("x-requires-session").asBoolean() && !hasSession) {
        report(
            call,
            "request",
            at,
            "x-requires-session",
            call.method() + " needs a session: send Authorization: Bearer <token>");
      }
      if (call.id() != null) {
        byId.put(call.id().toString(), call);
      }
    }
    return byId;
  }

  private void checkResponse(byte[] body, Map<String, Call> byId) {
    if (body.length == 0) {
      return; // notifications only
    }
    JsonNode tree;
    try {
      tree = JSON.readTree(body);
    } catch (IOException e) {
      report(
          new Call(0, null, null),
          "response",
          "",
          "JSON",
          "the answer is not JSON: " + firstLine(e));
      return;
    }
    boolean batch = tree.isArray();
    List<JsonNode> items = items(tree);
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      String at = batch ? "/" + i : "";
      Call call = byId.get(item.path("id").toString());
      if (call == null) {
        continue; // answers a call the request check already reported
      }
      if (item.has("result")) {
        for (SpecSchemas.Violation v : schemas.validateResult(call.method(), item.get("result"))) {
          report(call, "response", at + "/result" + v.pointer(), "result schema", v.detail());
        }
      } else if (item.has("error")) {
        int code = item.path("error").path("code").asInt();
        if (!declared(call.method()).contains(code)) {
          report(
              call,
              "response",
              at + "/error/code",
              "errors",
              code + " is not an error " + call.method() + " declares");
        }
        for (SpecSchemas.Violation v :
            schemas.validateErrorData(code, item.path("error").path("data"))) {
          report(call, "response", at + "/error/data" + v.pointer(), "x-error-data", v.detail());
        }
      } else {
        report(call, "response", at, "JSON-RPC 2.0", "neither result nor error");
      }
    }
  }

  private static Set<Integer> declared(String method) {
    Set<Integer> codes = new HashSet<>();
    JsonNode errors = SpecDocument.get().tree().path("components").path("errors");
    for (JsonNode ref : SpecDocument.get().method(method).path("errors")) {
      codes.add(
          errors
              .path(ref.path("$ref").asText().replace("#/components/errors/", ""))
              .path("code")
              .asInt());
    }
    return codes;
  }

  private void report(Call call, String direction, String pointer, String rule, String detail) {
    Violation v =
        new Violation(Instant.now().toString(), call.label(), direction, pointer, rule, detail);
    synchronized (err) {
      err.println(
          "parley proxy: "
              + v.call()
              + ": "
              + direction
              + " "
              + (pointer.isEmpty() ? "/" : pointer)
              + ": "
              + detail
              + " ["
              + rule
              + "]");
      err.flush();
    }
    int bytes = v.toString().length() * 2;
    synchronized (lock) {
      kept.addLast(new Kept(v, bytes));
      keptBytes += bytes;
      while (keptBytes > KEPT_BYTES && kept.size() > 1) {
        keptBytes -= kept.removeFirst().bytes();
        dropped++;
      }
    }
  }

  private ObjectNode report() {
    ObjectNode out = JSON.createObjectNode();
    synchronized (lock) {
      ArrayNode list = out.putArray("violations");
      kept.forEach(k -> list.add(JSON.valueToTree(k.violation())));
      out.put("dropped", dropped);
    }
    return out;
  }

  /** Jackson's message without the source excerpt it appends on further lines. */
  private static String firstLine(IOException e) {
    String message = String.valueOf(e.getMessage());
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }

  private static void send(Response response, int status, byte[] body, Callback callback) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  private record Kept(Violation violation, int bytes) {}

  /**
   * One way a call broke the spec.
   *
   * @param at when it was seen
   * @param call which call: its number in the proxy's traffic, method and id
   * @param direction {@code request} or {@code response}
   * @param pointer the JSON pointer of the failing value, in the request or response body
   * @param rule the spec's rule it breaks: {@code params schema}, {@code result schema}, {@code
   *     errors}, {@code x-error-data}, {@code x-requires-session}, {@code paramStructure}, {@code
   *     methods}, {@code JSON-RPC 2.0}
   * @param detail what is wrong
   */
  public record Violation(
      String at, String call, String direction, String pointer, String rule, String detail) {}

  /** The calls (or answers) of a body: a batch's elements, or the body alone. */
  private static List<JsonNode> items(JsonNode tree) {
    List<JsonNode> items = new ArrayList<>();
    if (tree != null && tree.isArray()) {
      tree.forEach(items::add);
    } else {
      items.add(tree);
    }
    return items;
  }
}
