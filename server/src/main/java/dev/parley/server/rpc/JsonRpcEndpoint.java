package dev.parley.server.rpc;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.api.InternalErrorException;
import dev.parley.api.InvalidParamsException;
import dev.parley.api.InvalidRequestException;
import dev.parley.api.MethodNotFoundException;
import dev.parley.api.ParleyDispatcher;
import dev.parley.api.ParleyMethod;
import dev.parley.api.ParleyRpcException;
import dev.parley.api.ParseErrorException;
import dev.parley.server.auth.AccessKeys;
import dev.parley.server.json.MessageJson;
import dev.parley.server.room.RoomEngine;
import dev.parley.server.room.RoomMovedException;
import dev.parley.spec.Json;
import dev.parley.spec.JsonRpcErrors;
import dev.parley.spec.SpecDocument;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON-RPC 2.0 as its specification says: parses the body, checks the envelope, handles batches and
 * notifications, validates params against the OpenRPC document, and only then reads them into the
 * method's generated params record and dispatches the call through the generated method table
 * ({@link ParleyMethod}, {@link ParleyDispatcher}) to the service, with the caller as an argument.
 * Every input gets a JSON-RPC answer (or, for notifications, none); nothing escapes as a stack
 * trace, and every error is written by {@link JsonRpcErrors}.
 */
public final class JsonRpcEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(JsonRpcEndpoint.class);
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** The method reported for a call naming a method the spec does not define. */
  public static final String UNKNOWN = "unknown";

  /**
   * The method reported for a request refused before it named a method (parse or envelope errors).
   */
  public static final String INVALID = "invalid";

  private final ObjectMapper mapper;
  private final SpecSchemas schemas;
  private final ParleyRpcService service;
  private final int batchLimit;
  private final CallObserver calls;
  private volatile CallRouting routing = CallRouting.HERE;

  /**
   * @param engine the room engine behind the methods
   * @param batchLimit the most calls one batch may hold
   * @param calls hears every call answered
   */
  public JsonRpcEndpoint(RoomEngine engine, int batchLimit, CallObserver calls) {
    this(engine, batchLimit, calls, null);
  }

  /**
   * @param engine the room engine behind the methods
   * @param batchLimit the most calls one batch may hold
   * @param calls hears every call answered
   * @param access the keys of access control, or null for none
   */
  public JsonRpcEndpoint(RoomEngine engine, int batchLimit, CallObserver calls, AccessKeys access) {
    this.mapper =
        Json.mapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            // Error data is built from maps: sorted keys make every answer read the same way.
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            // Fractions and exponents as exact decimals, kept as written: an id such as 1e400
            // or 10.0 is echoed as the same number, never as "Infinity" or a rounded double.
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
            .registerModule(MessageJson.module());
    this.schemas = new SpecSchemas(SpecDocument.get().tree());
    this.service = new ParleyRpcService(engine, access);
    this.batchLimit = batchLimit;
    this.calls = calls;
  }

  /** The mapper that writes responses. */
  public ObjectMapper mapper() {
    return mapper;
  }

  /** Answers each valid call where {@code routing} says (by default: here). */
  public void route(CallRouting routing) {
    this.routing = routing;
  }

  /**
   * Handles one request body.
   *
   * @param body the raw body
   * @param bearer the session token from the transport, or null
   * @param address the client's address, by which calls that reach no live session are limited;
   *     null for a caller inside the process
   * @return the response, or null when there is none to send (notifications only)
   */
  public JsonNode handle(byte[] body, String bearer, String address) {
    return handle(body, bearer, address, false);
  }

  /**
   * As {@link #handle(byte[], String, String)}, for a body another daemon may have forwarded.
   *
   * @param forwarded whether another daemon of the same store forwarded it
   * @throws CallRouting.Misdirected when it was forwarded to a daemon that does not serve its room
   * @throws CallRouting.OwnerLost when the room's daemon stopped answering during a call
   */
  public JsonNode handle(byte[] body, String bearer, String address, boolean forwarded) {
    return handle(body, bearer, address, forwarded, null);
  }

  /**
   * As {@link #handle(byte[], String, String, boolean)}, for a body that came over HTTP.
   *
   * @param rpcUrl the URL of this endpoint as the client reached it, which {@code rpc.discover}
   *     names in {@code servers}; null for a caller inside the process or another daemon
   */
  public JsonNode handle(
      byte[] body, String bearer, String address, boolean forwarded, String rpcUrl) {
    return handle(body, bearer, address, forwarded, rpcUrl, null);
  }

  /**
   * Handles one text frame of a WebSocket: as {@link #handle(byte[], String, String)}, each call
   * made as the session the socket is bound to at that moment (a {@code login} earlier in a batch
   * binds the calls after it).
   *
   * @param frame the frame's text as UTF-8
   * @param socket the socket it came on
   * @param address the client's address
   * @return the response, or null when there is none to send (notifications only)
   */
  public JsonNode handle(byte[] frame, SocketBinding socket, String address) {
    return handle(frame, null, address, false, null, socket);
  }

  private JsonNode handle(
      byte[] body,
      String bearer,
      String address,
      boolean forwarded,
      String rpcUrl,
      SocketBinding socket) {
    long started = System.nanoTime();
    JsonNode request;
    try {
      request = body.length == 0 ? null : mapper.readTree(body);
    } catch (JsonProcessingException e) {
      return refused(started, NullNode.instance, new ParseErrorException(JsonSyntax.describe(e)));
    } catch (IOException e) {
      return refused(
          started,
          NullNode.instance,
          new ParseErrorException("unreadable body: " + e.getMessage()));
    }
    if (request == null || request.isMissingNode()) {
      return refused(started, NullNode.instance, new ParseErrorException("empty body"));
    }
    if (!request.isArray()) {
      return handleCall(request, bearer, address, forwarded, rpcUrl, socket, false);
    }
    if (request.isEmpty()) {
      return refused(
          started, NullNode.instance, new InvalidRequestException("an empty batch", null));
    }
    if (request.size() > batchLimit) {
      return refused(
          started,
          NullNode.instance,
          new InvalidRequestException(
              "a batch of " + request.size() + " calls; at most " + batchLimit + " are allowed",
              batchLimit));
    }
    ArrayNode responses = JSON.arrayNode();
    for (JsonNode call : request) {
      JsonNode response = handleCall(call, bearer, address, forwarded, rpcUrl, socket, true);
      if (response != null) {
        responses.add(response);
      }
    }
    return responses.isEmpty() ? null : responses;
  }

  /** One call of a body or batch; null for a notification. */
  private JsonNode handleCall(
      JsonNode call,
      String bearer,
      String address,
      boolean forwarded,
      String rpcUrl,
      SocketBinding socket,
      boolean inBatch) {
    long started = System.nanoTime();
    if (!call.isObject()) {
      return refused(
          started,
          NullNode.instance,
          new InvalidRequestException("a request must be a JSON object", null));
    }
    boolean notification = !call.has("id");
    JsonNode id = call.path("id");
    if (!notification && !(id.isTextual() || id.isNumber() || id.isNull())) {
      return refused(
          started,
          NullNode.instance,
          new InvalidRequestException("id must be a string, a number or null", null));
    }
    JsonNode replyId = notification ? NullNode.instance : id;
    JsonNode version = call.path("jsonrpc");
    if (!version.isTextual() || !"2.0".equals(version.asText())) {
      return refused(
          started, replyId, new InvalidRequestException("jsonrpc must be exactly \"2.0\"", null));
    }
    if (!call.path("method").isTextual()) {
      return refused(
          started, replyId, new InvalidRequestException("method must be a string", null));
    }
    JsonNode params = call.path("params");
    if (!params.isMissingNode() && !params.isObject() && !params.isArray()) {
      return refused(
          started,
          replyId,
          new InvalidRequestException("params must be an object or an array", null));
    }
    String method = call.path("method").asText();
    JsonNode response =
        respond(
            method,
            params,
            replyId,
            socket == null ? bearer : socket.bearer(),
            address,
            forwarded,
            rpcUrl,
            socket,
            inBatch);
    calls.called(
        ParleyMethod.byWireName(method).isPresent() ? method : UNKNOWN,
        errorCode(response),
        System.nanoTime() - started);
    // The specification forbids answering a notification, even with an error.
    return notification ? null : response;
  }

  private JsonNode respond(
      String name,
      JsonNode params,
      JsonNode id,
      String bearer,
      String address,
      boolean forwarded,
      String rpcUrl,
      SocketBinding socket,
      boolean inBatch) {
    Optional<ParleyMethod> found = ParleyMethod.byWireName(name);
    if (found.isEmpty()) {
      return error(id, new MethodNotFoundException(name));
    }
    ParleyMethod method = found.get();
    ObjectNode named;
    if (params.isMissingNode() || (params.isArray() && params.isEmpty())) {
      named = JSON.objectNode();
    } else if (params.isArray()) {
      return error(
          id, new InvalidParamsException("", "params must be given by name, as an object", null));
    } else {
      named = ((ObjectNode) params).deepCopy();
    }
    List<SpecSchemas.Violation> violations = schemas.validateParams(name, named);
    if (!violations.isEmpty()) {
      SpecSchemas.Violation first = violations.get(0);
      return error(
          id,
          new InvalidParamsException(
              first.pointer(),
              first.detail(),
              violations.stream()
                  .map(v -> new InvalidParamsException.ErrorsItem(v.pointer(), v.detail()))
                  .toList()));
    }
    Object typed;
    try {
      // Valid params make the record: a failure to read them is the server's, not the caller's.
      typed = method.readParams(mapper, named);
    } catch (RuntimeException e) {
      return error(id, internal(e));
    }
    ObjectNode answer;
    try {
      answer =
          routing.answer(
              new CallRouting.Call(method, typed, named, bearer, address, forwarded, socket),
              door -> answerHere(method, typed, new Caller(bearer, door, rpcUrl, socket)));
    } catch (ParleyRpcException e) {
      return error(id, e);
    } catch (CallRouting.Misdirected e) {
      throw e;
    } catch (CallRouting.OwnerLost e) {
      if (!inBatch) {
        throw e;
      }
      // One call of a batch: the others' answers stand, this one says what a lost connection
      // would have meant.
      return error(id, internal(new IllegalStateException(e.getMessage())));
    } catch (RuntimeException e) {
      return error(id, internal(e));
    }
    ObjectNode response = JSON.objectNode();
    response.put("jsonrpc", "2.0");
    response.set("id", id);
    response.setAll(answer);
    return response;
  }

  /** The {@code result} or {@code error} member of the answer of this daemon's engine. */
  private ObjectNode answerHere(ParleyMethod method, Object typed, Caller caller) {
    ObjectNode answer = JSON.objectNode();
    try {
      JsonNode result =
          mapper.valueToTree(ParleyDispatcher.dispatch(service, caller, method, typed));
      answer.set("result", result == null ? NullNode.instance : result);
    } catch (ParleyRpcException e) {
      answer.set("error", error(NullNode.instance, e).get("error"));
    } catch (RoomMovedException e) {
      // Not an answer: the routing sends the call to the room's new daemon.
      throw e;
    } catch (RuntimeException e) {
      answer.set("error", error(NullNode.instance, internal(e)).get("error"));
    }
    return answer;
  }

  /** An error answered before the request named a method, heard as {@link #INVALID}. */
  private ObjectNode refused(long started, JsonNode id, ParleyRpcException e) {
    calls.called(INVALID, e.code(), System.nanoTime() - started);
    return error(id, e);
  }

  /** The code of an error response, or null for a result. */
  private static Integer errorCode(JsonNode response) {
    JsonNode code = response.path("error").path("code");
    return code.isInt() ? code.intValue() : null;
  }

  private ObjectNode error(JsonNode id, ParleyRpcException e) {
    return JsonRpcErrors.response(id, e, mapper);
  }

  /** An unexpected failure: logged in full, answered with an incident id only. */
  private static InternalErrorException internal(RuntimeException t) {
    String incident = UUID.randomUUID().toString();
    LOG.error("Internal error, incident {}", incident, t);
    return new InternalErrorException(incident);
  }
}
