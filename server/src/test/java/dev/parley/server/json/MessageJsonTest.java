package dev.parley.server.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.api.CheckResult;
import dev.parley.api.Message;
import dev.parley.api.MessageKind;
import dev.parley.api.SystemEvent;
import dev.parley.api.SystemEventType;
import dev.parley.spec.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A message written once and reused reads exactly as Jackson writes it, also through a tree. */
class MessageJsonTest {
  private final ObjectMapper plain = new ObjectMapper();
  private final ObjectMapper cached = new ObjectMapper().registerModule(MessageJson.module());

  @Test
  void answersReadTheSameWithTheCache() throws Exception {
    Message chat =
        new Message(
            "msg-2",
            2,
            "ada",
            "r",
            "hi @bob \"quoted\" ✓",
            "2026-11-21T10:00:00.000Z",
            MessageKind.CHAT,
            List.of("bob"),
            null,
            1L,
            true,
            null,
            null);
    Message joined =
        new Message(
            "msg-1",
            1,
            "system",
            "r",
            "bob has joined",
            "2026-11-21T10:00:00.000Z",
            MessageKind.SYSTEM,
            List.of(),
            new SystemEvent(SystemEventType.JOINED, "bob", null, null, null, null),
            null,
            null,
            null,
            null);
    CheckResult result = new CheckResult(1, List.of(joined, chat));
    String expected = plain.writeValueAsString(result);
    for (int i = 0; i < 3; i++) {
      assertThat(cached.writeValueAsString(result)).isEqualTo(expected);
      JsonNode tree = cached.valueToTree(result);
      assertThat(cached.writeValueAsString(tree)).isEqualTo(expected);
    }
  }

  @Test
  void theSizeIsTheUtf8LengthAndNothingIsEscapedThatJsonAllows() throws Exception {
    Message chat =
        new Message(
            "msg-3",
            3,
            "ada",
            "r",
            "h\u00e9llo \ud83d\ude00",
            "2026-11-21T10:00:00.000Z",
            MessageKind.CHAT,
            List.of(),
            null,
            1L,
            true,
            null,
            null);
    ObjectMapper wire = Json.mapper().registerModule(MessageJson.module());
    byte[] written = wire.writeValueAsBytes(new CheckResult(1, List.of(chat)));
    String text = new String(written, StandardCharsets.UTF_8);
    assertThat(text).contains("h\u00e9llo \ud83d\ude00").doesNotContain("\\u");
    assertThat(MessageJson.bytes(chat))
        .isEqualTo(plain.writeValueAsString(chat).getBytes(StandardCharsets.UTF_8).length);
  }
}
