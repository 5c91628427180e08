package dev.parley.spec;

import com.googlecode.jsonrpc4j.JsonRpcMethod;
import dev.parley.api.ParleyApi;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The protocol's methods by wire name, as the generated {@link ParleyApi} declares them. */
public final class ApiMethods {
  private static final Map<String, Class<?>> RESULTS = Stream.of(ParleyApi.class.getMethods())
      .filter(m -> m.isAnnotationPresent(JsonRpcMethod.class))
      .collect(Collectors.toUnmodifiableMap(m -> m.getAnnotation(JsonRpcMethod.class).value(), Method::getReturnType));

  private ApiMethods() {}

  /** The result type of the method named {@code wireName} on the wire, if there is such a method. */
  public static Optional<Class<?>> resultType(String wireName) {
    return Optional.ofNullable(wireName == null ? null : RESULTS.get(wireName));
  }
}
