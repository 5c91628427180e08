package dev.parley.codegen;

/** Turns protocol names ({@code talking_stick}, {@code rpc.discover}) into Java names. */
final class Names {
  private Names() {}

  /**
   * {@code talking_stick} to {@code talkingStick}; a Java keyword ({@code continue}) gets a
   * trailing underscore, as the Python client names it too.
   */
  static String camel(String name) {
    String pascal = pascal(name);
    String camel = Character.toLowerCase(pascal.charAt(0)) + pascal.substring(1);
    return javax.lang.model.SourceVersion.isKeyword(camel) ? camel + "_" : camel;
  }

  /** {@code talking_stick} to {@code TalkingStick}. */
  static String pascal(String name) {
    StringBuilder out = new StringBuilder();
    boolean upper = true;
    for (char c : name.toCharArray()) {
      if (c == '_' || c == '.' || c == '-') {
        upper = true;
      } else {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return out.toString();
  }

  /** {@code tool_call} to {@code TOOL_CALL}. */
  static String constant(String value) {
    return value.replaceAll("[^A-Za-z0-9]+", "_").toUpperCase(java.util.Locale.ROOT);
  }

  /** Escapes {@code $} so a text can go into a JavaPoet format string. */
  static String doc(String text) {
    return text.replace("$", "$$");
  }
}
