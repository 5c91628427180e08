package dev.parley.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.api.ParleyRpcException;

/**
 * The JSON-RPC 2.0 error response, written in one place for every door that speaks JSON-RPC ({@code
 * /rpc}, the origin and access refusals, the MCP bridge): {@code jsonrpc}, {@code error} with
 * {@code code}, {@code message} and, when there is one, {@code data}, and {@code id}.
 */
public final class JsonRpcErrors {
  private JsonRpcErrors() {}

  /**
   * An error response.
   *
   * @param id the request's id; null or a JSON null when none could be read
   * @param data the error's data, or null for none
   */
  public static ObjectNode response(JsonNode id, int code, String message, JsonNode data) {
    ObjectNode response = JsonNodeFactory.instance.objectNode();
    response.put("jsonrpc", "2.0");
    ObjectNode error = response.putObject("error");
    error.put("code", code);
    error.put("message", message);
    if (data != null && !data.isNull()) {
      error.set("data", data);
    }
    response.set("id", id == null ? NullNode.getInstance() : id);
    return response;
  }

  /** The error response of {@code e}, its data written by {@code mapper}. */
  public static ObjectNode response(JsonNode id, ParleyRpcException e, ObjectMapper mapper) {
    return response(
        id, e.code(), e.rpcMessage(), e.data() == null ? null : mapper.valueToTree(e.data()));
  }
}
