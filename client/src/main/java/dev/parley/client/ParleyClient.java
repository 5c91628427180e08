package dev.parley.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.googlecode.jsonrpc4j.IJsonRpcClient;
import com.googlecode.jsonrpc4j.JsonRpcClient;
import com.googlecode.jsonrpc4j.ProxyUtil;
import dev.parley.api.LoginResult;
import dev.parley.api.LogoutResult;
import dev.parley.api.ParleyApi;
import dev.parley.api.ParleyRpcException;
import dev.parley.spec.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Type;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON-RPC client generated from the spec: {@link #api()} is the generated {@link ParleyApi}
 * interface, proxied by jsonrpc4j, so every method has typed params and results and no method is
 * written by hand. The calls travel over the JDK's HTTP client, which never sends a call again by
 * itself: a call whose answer was lost fails with {@link ConnectionLostException}, so that the
 * caller knows to recover what the answer carried ({@code HttpURLConnection} would quietly send the
 * POST again on a fresh connection). Each error code arrives as its generated exception (a {@link
 * ParleyRpcException} subclass such as {@code NoDraftException}); a transport failure as {@link
 * ConnectionLostException}. The session is handled for the caller: {@code login} keeps the returned
 * token and every later call sends it as {@code Authorization: Bearer}.
 *
 * <p>Thread-safe: calls may run concurrently (a {@code check} waiting while another call is made).
 */
public final class ParleyClient {
  /** How long a call may take: above the server's longest {@code check} (60 s by default). */
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(90);

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final URI server;
  private final ParleyApi api;
  private volatile String session;
  private volatile String key;

  private ParleyClient(URI server) {
    this.server = server;
    ObjectMapper mapper = Json.mapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    URI endpoint;
    try {
      endpoint = server.resolve("/rpc");
      endpoint.toURL();
    } catch (java.net.MalformedURLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("Not a server address: " + server, e);
    }
    JsonRpcClient rpc = new JsonRpcClient(mapper);
    rpc.setExceptionResolver(
        response -> {
          JsonNode error = response.path("error");
          JsonNode data = error.get("data");
          return ParleyRpcException.forCode(
              error.path("code").asInt(),
              error.path("message").asText(),
              data == null ? null : mapper.convertValue(data, Object.class));
        });
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();
    this.api =
        ProxyUtil.createClientProxy(
            ParleyApi.class.getClassLoader(),
            ParleyApi.class,
            new SessionCalls(rpc, http, endpoint));
  }

  /**
   * A client of the daemon at {@code server}, such as {@code http://127.0.0.1:8890}. Connects only
   * when a method is called.
   */
  public static ParleyClient connect(URI server) {
    return new ParleyClient(server);
  }

  /** The generated interface: one method per protocol method. */
  public ParleyApi api() {
    return api;
  }

  /** The daemon's address. */
  public URI server() {
    return server;
  }

  /** The session token in use, or null before login. */
  public String session() {
    return session;
  }

  /** Uses {@code token} for the calls that follow (null: none). */
  public void session(String token) {
    this.session = token;
  }

  /**
   * Uses {@code accessKey} as the bearer of calls made without a session, such as {@code rooms}
   * before {@code login} on a daemon with access control (null: none).
   */
  public void key(String accessKey) {
    this.key = accessKey;
  }

  /** Sends every call with the session, keeps the token of a login, forgets it on logout. */
  private final class SessionCalls implements IJsonRpcClient {
    private final JsonRpcClient rpc;
    private final HttpClient http;
    private final URI endpoint;

    SessionCalls(JsonRpcClient rpc, HttpClient http, URI endpoint) {
      this.rpc = rpc;
      this.http = http;
      this.endpoint = endpoint;
    }

    @Override
    public Object invoke(
        String method, Object argument, Type returnType, Map<String, String> extraHeaders) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(endpoint)
              .timeout(READ_TIMEOUT)
              .header("Content-Type", "application/json");
      extraHeaders.forEach(request::header);
      String token = session != null ? session : key;
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      byte[] answer;
      try {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        rpc.invoke(method, withoutAbsent(argument), body);
        answer =
            http.send(
                    request
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                        .build(),
                    HttpResponse.BodyHandlers.ofByteArray())
                .body();
      } catch (IOException e) {
        throw new ConnectionLostException(server, e);
      } catch (InterruptedException e) {
        // The caller is leaving: the call is abandoned, and the caller sees its flag still set.
        Thread.currentThread().interrupt();
        throw new ConnectionLostException(server, e);
      }
      Object result;
      try {
        // Every answer of the daemon, an error too, is a JSON-RPC response whatever its HTTP
        // status.
        result = rpc.readResponse(returnType, new ByteArrayInputStream(answer));
      } catch (ParleyRpcException e) {
        throw e;
      } catch (IOException e) {
        throw new ConnectionLostException(server, e);
      } catch (Throwable t) {
        throw new ConnectionLostException(server, t);
      }
      if (result instanceof LoginResult login) {
        session = login.session();
      } else if (result instanceof LogoutResult) {
        session = null;
      }
      return result;
    }

    /** Optional params left null are absent, not null: the spec allows no null param. */
    private static Object withoutAbsent(Object argument) {
      if (argument instanceof Map<?, ?> map) {
        Map<Object, Object> present = new LinkedHashMap<>();
        map.forEach(
            (k, v) -> {
              if (v != null) {
                present.put(k, v);
              }
            });
        return present;
      }
      return argument;
    }

    @Override
    public void invoke(String method, Object argument) {
      invoke(method, argument, Object.class, Map.of());
    }

    @Override
    public Object invoke(String method, Object argument, Type returnType) {
      return invoke(method, argument, returnType, Map.of());
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T invoke(String method, Object argument, Class<T> clazz) {
      return (T) invoke(method, argument, (Type) clazz, Map.of());
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T invoke(
        String method, Object argument, Class<T> clazz, Map<String, String> extraHeaders) {
      return (T) invoke(method, argument, (Type) clazz, extraHeaders);
    }
  }
}
