package dev.parley.mcp;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.googlecode.jsonrpc4j.JsonRpcMethod;
import com.googlecode.jsonrpc4j.JsonRpcParam;
import dev.parley.api.ParleyApi;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.HashMap;
import java.util.Map;

/**
 * Calls a method of the generated {@link ParleyApi} by its wire name, with named arguments:
 * the generic path from an MCP tool call to the generated, typed client. The method is found by
 * its {@link JsonRpcMethod} annotation, each argument by its {@link JsonRpcParam} name and
 * converted to the declared Java type, so no protocol method is written out by hand here.
 */
final class ApiCall {
  private static final Map<String, Method> METHODS = index();

  private final ObjectMapper mapper;

  /** @param mapper converts JSON arguments to the generated types */
  ApiCall(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** Whether the generated interface has a method of this wire name. */
  static boolean exists(String method) {
    return METHODS.containsKey(method);
  }

  /**
   * Makes the call: exactly one JSON-RPC request through {@code api}.
   *
   * @param api the generated client
   * @param method the method's wire name, such as {@code talking_stick}
   * @param arguments the named arguments; absent ones are sent as absent
   * @return the typed result, such as a {@code PushResult}
   * @throws IllegalArgumentException when an argument cannot become its declared type
   * @throws RuntimeException what the client throws: a {@code ParleyRpcException} for an RPC
   *     error, a {@code ConnectionLostException} for a transport failure
   */
  Object invoke(ParleyApi api, String method, Map<String, Object> arguments) {
    Method target = METHODS.get(method);
    if (target == null) {
      throw new IllegalArgumentException("the generated client has no method " + method);
    }
    Parameter[] params = target.getParameters();
    Object[] values = new Object[params.length];
    for (int i = 0; i < params.length; i++) {
      Object value = arguments.get(params[i].getAnnotation(JsonRpcParam.class).value());
      if (value != null) {
        JavaType type = mapper.getTypeFactory().constructType(params[i].getParameterizedType());
        values[i] = mapper.convertValue(value, type);
      }
    }
    try {
      return target.invoke(api, values);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Method> index() {
    Map<String, Method> methods = new HashMap<>();
    for (Method m : ParleyApi.class.getMethods()) {
      JsonRpcMethod rpc = m.getAnnotation(JsonRpcMethod.class);
      if (rpc != null) {
        methods.put(rpc.value(), m);
      }
    }
    return Map.copyOf(methods);
  }
}
