package dev.parley.server.rpc;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What is wrong with a body that is not JSON, in plain words with its line and column, for the
 * detail of a -32700: the parser's own messages name its classes and settings.
 */
final class JsonSyntax {
  private static final Pattern LIMIT = Pattern.compile("maximum allowed \\((\\d+)");
  private static final Pattern DUPLICATE =
      Pattern.compile("Duplicate field '(.*)'", Pattern.DOTALL);
  private static final Pattern TOKEN =
      Pattern.compile("(?:Unrecognized|Non-standard) token '(.*?)'", Pattern.DOTALL);
  private static final Pattern CHARACTER =
      Pattern.compile(
          "Unexpected character \\('(.*?)' \\(code \\d+\\)\\)(?:: was expecting (.*))?",
          Pattern.DOTALL);
  private static final Pattern CONTROL =
      Pattern.compile("Illegal unquoted character \\(\\(CTRL-CHAR, code (\\d+)\\)\\)");

  /** Where the parser's messages start naming its own settings. */
  private static final Pattern PARSER_TALK =
      Pattern.compile("\\s*(?:[(:;]\\s*)?[^(:;]*`.*$", Pattern.DOTALL);

  private JsonSyntax() {}

  /** The detail of a parse error: {@code not valid JSON: <what> (at line L, column C)}. */
  static String describe(JsonProcessingException e) {
    StringBuilder detail = new StringBuilder("not valid JSON: ").append(what(e));
    JsonLocation at = e.getLocation();
    if (at != null && at.getLineNr() > 0) {
      detail
          .append(" (at line ")
          .append(at.getLineNr())
          .append(", column ")
          .append(at.getColumnNr())
          .append(')');
    }
    return detail.toString();
  }

  private static String what(JsonProcessingException e) {
    String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    if (e instanceof JsonEOFException) {
      return "the body ends before it is complete";
    }
    if (e instanceof MismatchedInputException && message.startsWith("Trailing token")) {
      return "more follows after the JSON value";
    }
    if (e instanceof StreamConstraintsException) {
      Matcher limit = LIMIT.matcher(message);
      String max = limit.find() ? limit.group(1) : "the allowed";
      if (message.contains("nesting depth")) {
        return "nested deeper than " + max + " levels";
      }
      if (message.startsWith("Number")) {
        return "a number longer than " + max + " digits";
      }
      if (message.startsWith("String")) {
        return "a string longer than " + max + " characters";
      }
      return "too large to read";
    }
    Matcher m;
    if ((m = DUPLICATE.matcher(message)).matches()) {
      return "the key \"" + m.group(1) + "\" appears twice in one object";
    }
    if ((m = TOKEN.matcher(message)).lookingAt()) {
      return m.group(1)
          + " is not a JSON value (expected a string, a number, an array, an object, true, false or"
          + " null)";
    }
    if ((m = CHARACTER.matcher(message)).lookingAt()) {
      return "unexpected character "
          + m.group(1)
          + (m.group(2) == null ? "" : " (expected " + m.group(2) + ")");
    }
    if ((m = CONTROL.matcher(message)).lookingAt()) {
      return "a control character (code " + m.group(1) + ") in a string must be escaped";
    }
    if (message.startsWith("Invalid UTF-8")) {
      return "the body is not valid UTF-8";
    }
    String plain = PARSER_TALK.matcher(message).replaceFirst("").trim();
    if (plain.isEmpty()) {
      return "the body cannot be read as JSON";
    }
    return Character.toLowerCase(plain.charAt(0)) + plain.substring(1);
  }
}
