package dev.parley.spec;

import dev.parley.api.ParleyMethod;
import java.util.Optional;

/**
 * The protocol's methods by wire name, as the generated method table ({@link ParleyMethod}) has
 * them.
 */
public final class ApiMethods {
  private ApiMethods() {}

  /**
   * The result type of the method named {@code wireName} on the wire, if there is such a method.
   */
  public static Optional<Class<?>> resultType(String wireName) {
    return ParleyMethod.byWireName(wireName).map(ParleyMethod::resultType);
  }
}
