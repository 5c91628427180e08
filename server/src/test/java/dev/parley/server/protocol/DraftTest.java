package dev.parley.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.ServerLimits;
import dev.parley.server.testing.Daemon;
import dev.parley.server.testing.RpcClient;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The draft: append with its limits, undo, preview, reset, and the content policy. */
class DraftTest {
  // A small message limit so that "the draft would pass the limit" is cheap to reach.
  @RegisterExtension
  static final Daemon server = Daemon.with(ServerLimits.defaults().withMessageChars(2500));

  @Test
  void appendKeepsTheFirstThousandCharactersAndSaysHowManyWereDropped() {
    RpcClient a = server.login("trunc", "drafts-1");
    JsonNode r = a.call("append", Map.of("text", "x".repeat(1234)));
    assertThat(r.get("status").asInt()).isEqualTo(2);
    assertThat(r.get("truncated").asInt()).isEqualTo(234);
    assertThat(r.get("draft_length").asInt()).isEqualTo(1000);
    assertThat(r.get("suffix").asText()).isEqualTo("x".repeat(80));
  }

  @Test
  void lengthsCountCharactersNotUtf16Units() {
    RpcClient a = server.login("emoji", "drafts-2");
    String smile = "\uD83D\uDE00";
    JsonNode r = a.call("append", Map.of("text", smile.repeat(1001)));
    assertThat(r.get("status").asInt()).isEqualTo(2);
    assertThat(r.get("truncated").asInt()).isEqualTo(1);
    assertThat(r.get("draft_length").asInt()).isEqualTo(1000);
    assertThat(a.call("preview").get("draft").asText()).isEqualTo(smile.repeat(1000));
  }

  @Test
  void aRetriedAppendUndoAndResetAnswerTheFirstResultAndChangeNothing() {
    RpcClient a = server.login("retry", "drafts-txn");
    RpcClient b = server.login("other", "drafts-txn");
    a.call("preview");
    JsonNode appended = a.call("append", Map.of("text", "hello ", "txn_id", "a-1"));
    a.call("append", Map.of("text", "world"));
    b.call("append", Map.of("text", "meanwhile"));
    b.call("push");

    JsonNode again = a.call("append", Map.of("text", "hello ", "txn_id", "a-1"));
    assertThat(again.get("status")).isEqualTo(appended.get("status"));
    assertThat(again.get("suffix").asText()).isEqualTo("hello ");
    assertThat(again.get("draft_length").asInt()).isEqualTo(6);
    assertThat(again.get("messages").findValuesAsText("content")).containsExactly("meanwhile");
    assertThat(a.call("preview").get("draft").asText()).isEqualTo("hello world");

    assertThat(a.call("undo", Map.of("txn_id", "u-1")).get("suffix").asText()).isEqualTo("hello ");
    assertThat(a.call("undo", Map.of("txn_id", "u-1")).get("suffix").asText()).isEqualTo("hello ");
    assertThat(a.call("preview").get("draft").asText()).isEqualTo("hello ");

    assertThat(a.call("reset", Map.of("txn_id", "r-1")).get("status").asInt()).isEqualTo(1);
    a.call("append", Map.of("text", "anew"));
    assertThat(a.call("reset", Map.of("txn_id", "r-1")).get("status").asInt()).isEqualTo(1);
    assertThat(a.call("preview").get("draft").asText()).isEqualTo("anew");
  }

  @Test
  void emptyTextAppendsNothing() {
    RpcClient a = server.login("empty", "drafts-3");
    JsonNode r = a.call("append", Map.of("text", ""));
    assertThat(r.get("status").asInt()).isZero();
    assertThat(r.get("reason").asText()).contains("empty");
    assertThat(r.get("draft_length").asInt()).isZero();
  }

  @Test
  void aDraftThatWouldPassTheMessageLimitTakesNothing() {
    RpcClient a = server.login("long", "drafts-4");
    a.call("append", Map.of("text", "a".repeat(1000)));
    a.call("append", Map.of("text", "b".repeat(1000)));
    JsonNode r = a.call("append", Map.of("text", "c".repeat(501)));
    assertThat(r.get("status").asInt()).isZero();
    assertThat(r.get("reason").asText()).contains("2500");
    assertThat(r.get("draft_length").asInt()).isEqualTo(2000);
    assertThat(a.call("append", Map.of("text", "c".repeat(500))).get("status").asInt())
        .isEqualTo(1);
  }

  @Test
  void undoRemovesTheLastSegmentAndPreviewShowsTheRest() {
    RpcClient a = server.login("undo", "drafts-5");
    a.call("append", Map.of("text", "The fundamental challenge "));
    a.call("append", Map.of("text", "is coherence."));
    a.call("append", Map.of("text", " Or is it?"));
    JsonNode undo = a.call("undo");
    assertThat(undo.get("status").asInt()).isEqualTo(1);
    assertThat(undo.get("suffix").asText()).isEqualTo("The fundamental challenge is coherence.");
    JsonNode preview = a.call("preview");
    assertThat(preview.get("draft").asText()).isEqualTo("The fundamental challenge is coherence.");
    assertThat(preview.get("segments")).hasSize(2);
    a.call("undo");
    a.call("undo");
    JsonNode nothing = a.call("undo");
    assertThat(nothing.get("status").asInt()).isZero();
    assertThat(nothing.get("draft_length").asInt()).isZero();
  }

  @Test
  void resetEmptiesTheDraftAndPushThenHasNothingToSend() {
    RpcClient a = server.login("reset", "drafts-6");
    a.call("append", Map.of("text", "never mind"));
    assertThat(a.call("reset").get("status").asInt()).isEqualTo(1);
    assertThat(a.call("reset").get("status").asInt()).isZero();
    JsonNode error = a.error("push", Map.of(), 40001);
    assertThat(error.get("message").asText()).isEqualTo("No draft exists");
  }

  @Test
  void controlCharactersViolateTheContentPolicyButNewlinesAndTabsDoNot() {
    RpcClient a = server.login("policy", "drafts-7");
    JsonNode error = a.error("append", Map.of("text", "bell\u0007"), 40004);
    assertThat(error.get("data").get("detail").asText()).contains("U+0007");
    // Escaped in the JSON text itself: an HTTP client would replace a lone surrogate before
    // sending.
    // Refused as params before the content policy sees it, as in every other string param.
    String loneSurrogate =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"append\",\"params\":{\"text\":\"half \\ud83d\"}}";
    JsonNode response = RpcClient.parse(a.post(loneSurrogate).body());
    assertThat(response.get("error").get("code").asInt()).isEqualTo(-32602);
    assertThat(a.call("append", Map.of("text", "line one\n\tline two\r\n")).get("status").asInt())
        .isEqualTo(1);
    assertThat(a.call("preview").get("segments")).hasSize(1);
  }
}
