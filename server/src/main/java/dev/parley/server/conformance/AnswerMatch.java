package dev.parley.server.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a conformance vector's {@code expect} means: the answer must contain it. An expected object
 * matches an object that has each of its members (and may have more); an expected array matches an
 * array of the same length, element by element, unless its first element is {@code "$contains"}:
 * then each further element must match some element of the array (for lists that hold more than a
 * vector knows, such as a server's rooms); other values match an equal value (numbers by value).
 * Three strings are patterns: {@code "$any"} matches any value that is present, {@code "$absent"}
 * (as a member's value) a member that is not, and {@code "${name}"} binds the value the first time
 * it is met and must equal it every later time, so that a vector can say "the same message id as
 * before". Within other strings, {@code ${name}} is replaced by its bound value.
 */
public final class AnswerMatch {
  /** Matches any present value. */
  public static final String ANY = "$any";

  /** As a member's expected value: the member must be missing. */
  public static final String ABSENT = "$absent";

  /** As an expected array's first element: the rest must each match some element. */
  public static final String CONTAINS = "$contains";

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}");

  private AnswerMatch() {}

  /**
   * Compares {@code actual} with {@code expected}, binding variables into {@code bindings}.
   *
   * @return each mismatch, as a JSON pointer and what was expected and found; empty when it matches
   */
  public static List<String> mismatches(
      JsonNode expected, JsonNode actual, Map<String, JsonNode> bindings) {
    List<String> out = new ArrayList<>();
    match("", expected, actual, bindings, out);
    return out;
  }

  /** {@code text} with each {@code ${name}} replaced by its bound value. */
  public static String substitute(String text, Map<String, JsonNode> bindings) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      JsonNode bound = bindings.get(m.group(1));
      String value =
          bound == null ? m.group() : bound.isTextual() ? bound.asText() : bound.toString();
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** {@code template} with variables replaced in every string, a whole-string one by its value. */
  public static JsonNode fill(JsonNode template, Map<String, JsonNode> bindings) {
    if (template.isTextual()) {
      Matcher whole = VARIABLE.matcher(template.asText());
      if (whole.matches() && bindings.containsKey(whole.group(1))) {
        return bindings.get(whole.group(1));
      }
      return TextNode.valueOf(substitute(template.asText(), bindings));
    }
    if (template.isContainerNode()) {
      JsonNode copy = template.deepCopy();
      if (copy.isObject()) {
        var object = (com.fasterxml.jackson.databind.node.ObjectNode) copy;
        object.properties().forEach(e -> e.setValue(fill(e.getValue(), bindings)));
      } else {
        var array = (com.fasterxml.jackson.databind.node.ArrayNode) copy;
        for (int i = 0; i < array.size(); i++) {
          array.set(i, fill(array.get(i), bindings));
        }
      }
      return copy;
    }
    return template;
  }

  private static void match(
      String pointer,
      JsonNode expected,
      JsonNode actual,
      Map<String, JsonNode> bindings,
      List<String> out) {
    if (expected.isTextual()) {
      String text = expected.asText();
      if (ANY.equals(text)) {
        return;
      }
      Matcher whole = VARIABLE.matcher(text);
      if (whole.matches()) {
        JsonNode bound = bindings.get(whole.group(1));
        if (bound == null) {
          bindings.put(whole.group(1), actual);
        } else if (!same(bound, actual)) {
          out.add(at(pointer) + ": expected " + bound + " (" + text + "), found " + actual);
        }
        return;
      }
      expected = TextNode.valueOf(substitute(text, bindings));
    }
    if (expected.isObject()) {
      if (!actual.isObject()) {
        out.add(at(pointer) + ": expected an object, found " + actual);
        return;
      }
      for (var e : expected.properties()) {
        String child = pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1");
        JsonNode value = actual.get(e.getKey());
        if (e.getValue().isTextual() && ABSENT.equals(e.getValue().asText())) {
          if (value != null) {
            out.add(child + ": expected no such member, found " + value);
          }
        } else if (value == null) {
          out.add(child + ": missing, expected " + e.getValue());
        } else {
          match(child, e.getValue(), value, bindings, out);
        }
      }
      return;
    }
    if (expected.isArray() && CONTAINS.equals(expected.path(0).asText(null))) {
      if (!actual.isArray()) {
        out.add(at(pointer) + ": expected an array, found " + actual);
        return;
      }
      for (int i = 1; i < expected.size(); i++) {
        boolean found = false;
        for (JsonNode element : actual) {
          Map<String, JsonNode> tried = new java.util.HashMap<>(bindings);
          List<String> misses = new ArrayList<>();
          match(pointer, expected.get(i), element, tried, misses);
          if (misses.isEmpty()) {
            bindings.putAll(tried);
            found = true;
            break;
          }
        }
        if (!found) {
          out.add(at(pointer) + ": no element matches " + expected.get(i) + " in " + actual);
        }
      }
      return;
    }
    if (expected.isArray()) {
      if (!actual.isArray() || actual.size() != expected.size()) {
        out.add(
            at(pointer)
                + ": expected an array of "
                + expected.size()
                + ", found "
                + (actual.isArray() ? "an array of " + actual.size() + ": " + actual : actual));
        return;
      }
      for (int i = 0; i < expected.size(); i++) {
        match(pointer + "/" + i, expected.get(i), actual.get(i), bindings, out);
      }
      return;
    }
    if (!same(expected, actual)) {
      out.add(at(pointer) + ": expected " + expected + ", found " + actual);
    }
  }

  private static boolean same(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    return a.equals(b);
  }

  private static String at(String pointer) {
    return pointer.isEmpty() ? "/" : pointer;
  }
}
