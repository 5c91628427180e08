package dev.parley.mcp.guard;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.parley.mcp.McpBridge;
import dev.parley.mcp.SchemaValidator;
import dev.parley.spec.Json;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The check of every message a client sends, on both transports, before the MCP SDK sees it. The
 * SDK answers a message it cannot read with a serialized Java exception, or not at all, and fails
 * inside its handlers on params of the wrong shape; so here every message is parsed, its JSON-RPC
 * envelope checked, the params of each method the SDK handles checked against the MCP schema (and
 * against the SDK's own types), and what passes is handed on as a canonical message holding only
 * what was checked. What fails gets a JSON-RPC error saying what is wrong.
 */
public final class MessageGuard {
  /** The largest message taken, in bytes of UTF-8. */
  public static final int MAX_MESSAGE_BYTES = 1024 * 1024;

  /** The one request that needs no session. */
  private static final String INITIALIZE = McpSchema.METHOD_INITIALIZE;

  /** The notification that ends the initialization. */
  public static final String INITIALIZED = McpSchema.METHOD_NOTIFICATION_INITIALIZED;

  /** Strict JSON: no trailing content, no duplicate members. */
  private static final JsonMapper JSON =
      Json.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final Map<String, Class<?>> SDK_PARAMS =
      Map.of(
          INITIALIZE,
          McpSchema.InitializeRequest.class,
          McpSchema.METHOD_TOOLS_CALL,
          McpSchema.CallToolRequest.class,
          McpSchema.METHOD_TOOLS_LIST,
          McpSchema.PaginatedRequest.class,
          McpSchema.METHOD_LOGGING_SET_LEVEL,
          McpSchema.SetLevelRequest.class);

  private final Map<String, Map<String, Object>> schemas;
  private final SchemaValidator validator = new SchemaValidator();

  /** The SDK's mapper, configured as the bridge gives it to the SDK. */
  private final McpJsonMapper sdk = McpBridge.jsonMapper();

  private final ServerRequests serverRequests;

  /**
   * @param serverRequests the requests the server sent and waits for, so that a client's response
   *     is handed on only when one waits for it
   */
  public MessageGuard(ServerRequests serverRequests) {
    this.serverRequests = serverRequests;
    this.schemas = loadSchemas();
  }

  /** What a message is. */
  public enum Kind {
    REQUEST,
    NOTIFICATION,
    RESPONSE
  }

  /** What to do with a message. */
  public sealed interface Verdict {}

  /**
   * Hand the message on to the SDK.
   *
   * @param kind what it is
   * @param id its id (a request's or a response's), or {@code null}
   * @param method its method (a request's or a notification's), or {@code null}
   * @param canonical the message to hand on, in UTF-8, on one line
   */
  public record Pass(Kind kind, JsonNode id, String method, byte[] canonical) implements Verdict {
    /** Whether this is the {@code initialize} request. */
    public boolean isInitialize() {
      return kind == Kind.REQUEST && INITIALIZE.equals(method);
    }
  }

  /**
   * Refuse the message with {@code error}, a JSON-RPC error response.
   *
   * @param answerable whether JSON-RPC lets a server answer it: not a notification's nor a
   *     response's failure (HTTP answers those with a status all the same)
   * @param status the HTTP status of the refusal on {@code /mcp}: 200 for a request that is well
   *     formed but whose params are not (its answer is an ordinary error response), 400 for a
   *     message the transport cannot take
   */
  public record Refuse(ObjectNode error, boolean answerable, int status) implements Verdict {}

  /** Take the message and do nothing with it: a notification that nothing here handles. */
  public record Drop(String method) implements Verdict {}

  /**
   * Checks one message.
   *
   * @param bytes the message as received
   * @param session the MCP session it came in ({@code null} for none); responses are matched to the
   *     server's requests of that session
   * @return what to do with it
   */
  public Verdict check(byte[] bytes, String session) {
    JsonNode tree;
    try {
      tree = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
      return refuse(
          null, JsonRpc.PARSE_ERROR, "Parse error: the message is not valid JSON" + where, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (tree == null || tree.isMissingNode()) {
      return refuse(null, JsonRpc.PARSE_ERROR, "Parse error: the message is empty", true);
    }
    if (tree.isArray()) {
      return refuse(
          null,
          JsonRpc.INVALID_REQUEST,
          "Invalid Request: batches are not supported; send each JSON-RPC message on its own",
          true);
    }
    if (!tree.isObject()) {
      return refuse(
          null, JsonRpc.INVALID_REQUEST, "Invalid Request: a JSON-RPC message is an object", true);
    }
    ObjectNode message = (ObjectNode) tree;
    JsonNode id = message.get("id");
    boolean validId =
        id != null && (id.isTextual() || (id.isIntegralNumber() && id.canConvertToLong()));
    JsonNode replyId = validId ? id : null;
    if (id != null && !validId) {
      return refuse(
          null,
          JsonRpc.INVALID_REQUEST,
          "Invalid Request: \"id\" must be a string or an integer",
          true);
    }
    if (!"2.0".equals(message.path("jsonrpc").textValue())) {
      return refuse(
          replyId, JsonRpc.INVALID_REQUEST, "Invalid Request: \"jsonrpc\" must be \"2.0\"", true);
    }
    if (message.has("method")) {
      return checkCall(message, replyId, session);
    }
    if (message.has("result") || message.has("error")) {
      return checkResponse(message, replyId, session);
    }
    return refuse(
        replyId,
        JsonRpc.INVALID_REQUEST,
        "Invalid Request: a message needs a \"method\" (a request or"
            + " a notification), or an \"id\" with a \"result\" or an \"error\" (a response)",
        true);
  }

  private Verdict checkCall(ObjectNode message, JsonNode id, String session) {
    boolean request = id != null;
    String method = message.get("method").textValue();
    if (method == null || method.isEmpty()) {
      return refuse(
          id,
          JsonRpc.INVALID_REQUEST,
          "Invalid Request: \"method\" must be a non-empty string",
          request);
    }
    JsonNode params = message.get("params");
    String invalid = invalidParams(method, params);
    if (invalid != null) {
      ObjectNode error =
          JsonRpc.error(
              id, JsonRpc.INVALID_PARAMS, "Invalid params for `" + method + "`: " + invalid);
      return new Refuse(error, request, request ? 200 : 400);
    }
    if (!request && !schemas.containsKey(method)) {
      // The SDK logs unhandled notifications with their content; none of them needs an answer.
      return new Drop(method);
    }
    ObjectNode canonical = JsonNodeFactory.instance.objectNode();
    canonical.put("jsonrpc", "2.0");
    if (request) {
      canonical.set("id", id);
    }
    canonical.put("method", method);
    if (params != null) {
      // The SDK logs an initialize's params as they are: no client text may forge a log line.
      canonical.set("params", INITIALIZE.equals(method) ? logSafe(params) : params);
    }
    return new Pass(request ? Kind.REQUEST : Kind.NOTIFICATION, id, method, bytes(canonical));
  }

  /** What is wrong with a method's params, or {@code null}. */
  private String invalidParams(String method, JsonNode params) {
    Map<String, Object> schema = schemas.get(method);
    if (params == null) {
      return schema != null && schema.containsKey("required") ? "params are required" : null;
    }
    if (!params.isObject()) {
      return "params must be an object";
    }
    if (schema == null) {
      return null;
    }
    List<String> errors = validator.errors(schema, params);
    if (!errors.isEmpty()) {
      return String.join("; ", errors);
    }
    Class<?> type = SDK_PARAMS.get(method);
    if (type != null) {
      try {
        sdk.convertValue(params, type);
      } catch (RuntimeException e) {
        // The schema covers what the specification defines; the SDK's types decide the rest.
        return "they do not match the method's params in the MCP specification";
      }
    }
    return null;
  }

  private Verdict checkResponse(ObjectNode message, JsonNode id, String session) {
    if (id == null) {
      return refuse(
          null,
          JsonRpc.INVALID_REQUEST,
          "Invalid Request: a response needs the \"id\" of its request",
          false);
    }
    JsonNode result = message.get("result");
    JsonNode error = message.get("error");
    if (result != null && error != null) {
      return refuse(
          null,
          JsonRpc.INVALID_REQUEST,
          "Invalid Request: a response has a \"result\" or an \"error\"," + " not both",
          false);
    }
    if (error != null
        && !(error.isObject()
            && error.path("code").isIntegralNumber()
            && error.path("code").canConvertToInt()
            && error.path("message").isTextual())) {
      return refuse(
          null,
          JsonRpc.INVALID_REQUEST,
          "Invalid Request: \"error\" must be an object with an integer \"code\" and a string \"message\"",
          false);
    }
    if (result != null && !result.isObject()) {
      return refuse(
          null, JsonRpc.INVALID_REQUEST, "Invalid Request: \"result\" must be an object", false);
    }
    if (!serverRequests.claim(session, id)) {
      return refuse(
          null,
          JsonRpc.INVALID_REQUEST,
          "Invalid Request: the server waits for no response with this id",
          false);
    }
    ObjectNode canonical = JsonNodeFactory.instance.objectNode();
    canonical.put("jsonrpc", "2.0");
    canonical.set("id", id);
    if (result != null) {
      canonical.set("result", result);
    } else {
      ObjectNode e = canonical.putObject("error");
      e.set("code", error.get("code"));
      e.set("message", error.get("message"));
      if (error.has("data")) {
        e.set("data", error.get("data"));
      }
    }
    return new Pass(Kind.RESPONSE, id, null, bytes(canonical));
  }

  private static Refuse refuse(JsonNode id, int code, String message, boolean answerable) {
    return new Refuse(JsonRpc.error(id, code, message), answerable, 400);
  }

  /** {@code node} with every string (and member name) in it escaped for logs. */
  private static JsonNode logSafe(JsonNode node) {
    if (node.isTextual()) {
      return TextNode.valueOf(LogSafe.escape(node.textValue()));
    }
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      node.forEach(item -> copy.add(logSafe(item)));
      return copy;
    }
    if (node.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> member = it.next();
        copy.set(LogSafe.escape(member.getKey()), logSafe(member.getValue()));
      }
      return copy;
    }
    return node;
  }

  /** A message as one line of UTF-8 (JSON text never holds a raw line break). */
  public static byte[] bytes(JsonNode message) {
    try {
      return JSON.writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree that cannot be written", e);
    }
  }

  private static Map<String, Map<String, Object>> loadSchemas() {
    try (InputStream in = MessageGuard.class.getResourceAsStream("params.json")) {
      if (in == null) {
        throw new IllegalStateException("params.json is missing from the bridge's resources");
      }
      JsonNode document = JSON.readTree(in);
      Map<String, Map<String, Object>> byMethod = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = document.path("methods").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> method = it.next();
        ObjectNode schema = method.getValue().deepCopy();
        schema.set("$defs", document.get("$defs"));
        byMethod.put(
            method.getKey(),
            JSON.convertValue(schema, new TypeReference<Map<String, Object>>() {}));
      }
      return Map.copyOf(byMethod);
    } catch (IOException e) {
      throw new UncheckedIOException("params.json cannot be read", e);
    }
  }
}
