package dev.parley.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.server.http.RpcHandler;
import dev.parley.server.rpc.CallRouting;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * Sends one call to the daemon that serves its room, over that daemon's own {@code POST /rpc}, and
 * brings back its answer as it is: the owner's engine decided it, this daemon only carries it.
 */
final class Forwarder {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  private static final int MISDIRECTED = 421;
  private static final int UNAVAILABLE = 503;

  /** The owner did not take the call: it is sent again, to whichever daemon serves the room now. */
  static final class NotTaken extends Exception {
    NotTaken(String detail) {
      super(detail, null, false, false);
    }
  }

  private final HttpClient http;
  private final ObjectMapper mapper;
  private final String secret;
  private final Duration callTimeout;

  /**
   * @param mapper reads and writes the calls
   * @param secret the secret the daemons of the store share
   * @param longestCall how long a call may take at the owner (a check's cap), plus a margin
   */
  Forwarder(ObjectMapper mapper, String secret, Duration longestCall) {
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
    this.mapper = mapper;
    this.secret = secret;
    this.callTimeout = longestCall;
  }

  /**
   * The owner's answer to {@code call}: its response's {@code result} or {@code error} member.
   *
   * @throws NotTaken when the owner was not reached, or said it does not serve the room: the call
   *     was not carried out
   * @throws CallRouting.OwnerLost when the owner was reached and then stopped answering
   */
  ObjectNode send(URI node, CallRouting.Call call) throws NotTaken {
    ObjectNode request = JsonNodeFactory.instance.objectNode();
    request.put("jsonrpc", "2.0");
    request.put("id", 0);
    request.put("method", call.method().wireName());
    request.set("params", call.named());
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(node.resolve("/rpc"))
            .timeout(callTimeout)
            .header("Content-Type", "application/json")
            .header(RpcHandler.NODE_SECRET, secret)
            .header(RpcHandler.FORWARDED_FOR, call.address() == null ? "" : call.address());
    if (call.bearer() != null) {
      builder.header("Authorization", "Bearer " + call.bearer());
    }
    HttpResponse<byte[]> response;
    try {
      response =
          http.send(
              builder
                  .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(request)))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw new NotTaken("the daemon at " + node + " cannot be reached: " + e.getMessage());
    } catch (IOException e) {
      throw new CallRouting.OwnerLost(
          "the daemon serving this room ("
              + node
              + ") stopped answering during the call: retry it, with the same txn_id");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CallRouting.OwnerLost("the call was abandoned while its room's daemon answered");
    }
    if (response.statusCode() == MISDIRECTED) {
      throw new NotTaken("the daemon at " + node + " no longer serves this room");
    }
    if (response.statusCode() == UNAVAILABLE) {
      // A daemon that is stopping refuses new calls before it reads them.
      throw new NotTaken("the daemon at " + node + " is stopping");
    }
    JsonNode answer;
    try {
      answer = mapper.readTree(response.body());
    } catch (IOException e) {
      answer = null;
    }
    if (answer == null || !(answer.has("result") || answer.has("error"))) {
      throw new CallRouting.OwnerLost(
          "the daemon serving this room ("
              + node
              + ") answered HTTP "
              + response.statusCode()
              + " without a JSON-RPC response: retry the call, with the same txn_id");
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    if (answer.has("error")) {
      out.set("error", answer.get("error"));
    } else {
      out.set("result", answer.get("result"));
    }
    return out;
  }
}
