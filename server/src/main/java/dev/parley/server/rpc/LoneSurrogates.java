package dev.parley.server.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds strings that are not Unicode text: a JSON escape such as {@code \ud800} without its partner
 * decodes to a Java string holding a lone UTF-16 surrogate, which no UTF-8 encoder can write (not
 * the store, the conversation log, nor a response that repeats it). JSON allows the escape but
 * I-JSON (RFC 7493) forbids it, so params holding one are refused before any method sees them.
 * Member names need no look: Jackson's parser already refuses a lone surrogate there.
 */
final class LoneSurrogates {
  private LoneSurrogates() {}

  /**
   * One violation for each string in {@code value} that holds a lone surrogate, in document order.
   */
  static List<SpecSchemas.Violation> in(JsonNode value) {
    List<SpecSchemas.Violation> out = new ArrayList<>();
    walk(value, "", out);
    return out;
  }

  private static void walk(JsonNode value, String pointer, List<SpecSchemas.Violation> out) {
    if (value.isTextual()) {
      int at = firstLone(value.textValue());
      if (at >= 0) {
        out.add(
            new SpecSchemas.Violation(
                pointer,
                String.format(
                    "the string holds a lone surrogate (U+%04X at index %d) that is not half of a pair, so it is not "
                        + "Unicode text: send the character itself, or both halves of its \\u escape",
                    (int) value.textValue().charAt(at), at)));
      }
    } else if (value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        walk(value.get(i), pointer + "/" + i, out);
      }
    } else if (value.isObject()) {
      for (Map.Entry<String, JsonNode> member : value.properties()) {
        // A JSON pointer token escapes "~" and "/" (RFC 6901).
        walk(
            member.getValue(),
            pointer + "/" + member.getKey().replace("~", "~0").replace("/", "~1"),
            out);
      }
    }
  }

  /** The index of the first lone surrogate in {@code s}, or -1. */
  private static int firstLone(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }
}
