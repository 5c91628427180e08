package dev.parley.mcp.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.spec.JsonRpcErrors;

/** JSON-RPC 2.0 error responses, as the guard answers them. */
public final class JsonRpc {
  /** Not JSON. */
  public static final int PARSE_ERROR = -32700;

  /** JSON, but not a JSON-RPC message this server takes. */
  public static final int INVALID_REQUEST = -32600;

  /** A method's params that do not match its schema. */
  public static final int INVALID_PARAMS = -32602;

  /** A failure of the server; the details are in its log under an incident id. */
  public static final int INTERNAL_ERROR = -32603;

  /** An {@code Mcp-Session-Id} of no live session (the code other MCP servers use too). */
  public static final int SESSION_NOT_FOUND = -32001;

  private JsonRpc() {}

  /** An error response to the request {@code id} ({@code null}: no id could be read). */
  public static ObjectNode error(JsonNode id, int code, String message) {
    return JsonRpcErrors.response(id, code, message, null);
  }

  /** A successful response with an empty result, such as a {@code ping}'s. */
  public static ObjectNode emptyResult(JsonNode id) {
    ObjectNode response = JsonNodeFactory.instance.objectNode();
    response.put("jsonrpc", "2.0");
    response.set("id", id);
    response.putObject("result");
    return response;
  }
}
