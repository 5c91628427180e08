package dev.parley.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.testing.Daemon;
import dev.parley.server.testing.RpcClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Seen receipts and the timeline over real HTTP, every answer checked against the spec: who was
 * delivered a message and when, who drafts after it, {@code seen_by} on history pages, each
 * participant's timeline of a message, and the refusal of a message the room does not have.
 */
class ReceiptsTimelineTest {
  @RegisterExtension static final Daemon server = Daemon.withDefaults();

  private static RpcClient login(String name, String room) {
    return server.client().login(name, room);
  }

  private static JsonNode receipt(JsonNode receipts, String user) {
    for (JsonNode r : receipts.get("receipts")) {
      if (r.get("username").asText().equals(user)) {
        return r;
      }
    }
    throw new AssertionError("no receipt of " + user + " in " + receipts);
  }

  private static List<String> types(JsonNode participantTimeline) {
    List<String> out = new ArrayList<>();
    participantTimeline.get("events").forEach(e -> out.add(e.get("type").asText()));
    return out;
  }

  @Test
  void receiptsSayWhoWasDeliveredAMessageWhenAndWhoDraftsAfterIt() {
    RpcClient ann = login("ann", "seen-1");
    RpcClient bob = login("bob", "seen-1");
    RpcClient cat = login("cat", "seen-1");
    ann.call("append", Map.of("text", "Friday?"));
    String asked = ann.call("push").get("message_id").asText();

    JsonNode before = ann.call("receipts", Map.of("message_id", asked));
    assertThat(before.get("message_id").asText()).isEqualTo(asked);
    assertThat(receipt(before, "bob").get("delivered").asBoolean()).isFalse();
    assertThat(receipt(before, "bob").has("at")).isFalse();

    // The first append's answer carries the message; the second is written with it in view.
    bob.call("append", Map.of("text", "Friday works"));
    bob.call("append", Map.of("text", " for me"));
    JsonNode after = cat.call("receipts", Map.of("message_id", asked));
    JsonNode bobs = receipt(after, "bob");
    assertThat(bobs.get("delivered").asBoolean()).isTrue();
    assertThat(bobs.get("at").asText()).isNotEmpty();
    assertThat(bobs.get("drafting_after").asBoolean()).isTrue();
    // Told as things stood before this call, which then delivers the message to cat.
    assertThat(receipt(after, "cat").get("delivered").asBoolean()).isFalse();
    assertThat(after.get("messages").findValuesAsText("message_id")).contains(asked);
    assertThat(
            receipt(ann.call("receipts", Map.of("message_id", asked)), "cat")
                .get("delivered")
                .asBoolean())
        .isTrue();
    // Whoever sent it has no receipt of its own.
    assertThat(after.get("receipts").findValuesAsText("username")).doesNotContain("ann");

    JsonNode page = ann.call("history", Map.of("after", 0));
    for (JsonNode m : page.get("messages")) {
      if (m.get("message_id").asText().equals(asked)) {
        assertThat(m.get("seen_by").asInt()).isEqualTo(2);
      }
    }
  }

  @Test
  void aTimelineTellsWhatEachParticipantWasGivenAndDidThroughItsNextMessage() {
    RpcClient ann = login("ann", "seen-2");
    RpcClient bob = login("bob", "seen-2");
    RpcClient cat = login("cat", "seen-2");
    ann.call("append", Map.of("text", "Ship on Friday?"));
    String asked = ann.call("push").get("message_id").asText();

    bob.call("append", Map.of("text", "Yes"));
    ann.call("append", Map.of("text", "Or Monday?"));
    ann.call("push");
    JsonNode held = bob.call("push");
    assertThat(held.get("reason").asText()).isEqualTo("new_messages");
    String answer = bob.call("push").get("message_id").asText();
    JsonNode refused = cat.error("push", Map.of(), 40001);
    assertThat(refused.get("code").asInt()).isEqualTo(40001);

    JsonNode t = ann.call("timeline", Map.of("message_id", asked));
    assertThat(t.get("complete").asBoolean()).isTrue();
    assertThat(t.get("participants").findValuesAsText("username")).containsExactly("bob", "cat");
    JsonNode bobs = t.get("participants").get(0);
    assertThat(bobs.get("delivered").asBoolean()).isTrue();
    assertThat(bobs.get("delivered_at").asText()).isNotEmpty();
    assertThat(types(bobs))
        .containsExactly("draft_started", "delivered", "delivered", "push_interrupted", "pushed");
    assertThat(bobs.at("/events/3/reason").asText()).isEqualTo("new_messages");
    assertThat(bobs.at("/next_message/message_id").asText()).isEqualTo(answer);

    // cat was delivered nothing since: its refused push says why it did not answer.
    JsonNode cats = t.get("participants").get(1);
    assertThat(cats.get("delivered").asBoolean()).isFalse();
    assertThat(cats.has("delivered_at")).isFalse();
    assertThat(types(cats)).containsExactly("push_refused");
    assertThat(cats.at("/events/0/code").asInt()).isEqualTo(40001);
    assertThat(cats.has("next_message")).isFalse();
  }

  @Test
  void aMessageTheRoomDoesNotHaveIsInvalidParamsAtMessageId() {
    RpcClient ann = login("ann", "seen-3");
    for (String method : List.of("receipts", "timeline")) {
      JsonNode unknown = ann.error(method, Map.of("message_id", "msg-999"), -32602);
      assertThat(unknown.at("/data/pointer").asText()).isEqualTo("/message_id");
      assertThat(unknown.at("/data/detail").asText()).contains("has no message msg-999");
      JsonNode malformed = ann.error(method, Map.of("message_id", "nope"), -32602);
      assertThat(malformed.at("/data/pointer").asText()).isEqualTo("/message_id");
      ann.error(method, Map.of(), -32602);
    }
    server.client().error("receipts", Map.of("message_id", "msg-1"), 40010);
  }
}
