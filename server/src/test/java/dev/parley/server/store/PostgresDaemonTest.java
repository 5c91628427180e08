package dev.parley.server.store;

import static dev.parley.server.testing.RpcClient.chatLines;
import static dev.parley.server.testing.RpcClient.lines;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.ServerConfig;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import dev.parley.server.testing.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A daemon whose data lives in PostgreSQL: a conversation with its interruptions, and a new daemon
 * on the same database that finds sessions, drafts, cursors, the floor and {@code txn_id}s as the
 * old one left them. Each test in a fresh database.
 */
class PostgresDaemonTest {
  @RegisterExtension final TestDatabase postgres = new TestDatabase();

  private RunningServer start() throws Exception {
    return RunningServer.start(ServerConfig.ephemeral().withDatabase(postgres.database()));
  }

  @Test
  void aConversationIsServedAndARestartKeepsEverythingAndTxnIdRetriesSendNothingTwice()
      throws Exception {
    String alice;
    String bob;
    String firstPush;
    try (RunningServer server = start()) {
      RpcClient a = server.login("alice", "durable");
      RpcClient b = server.login("bob", "durable");
      alice = a.session();
      bob = b.session();
      a.call("append", Map.of("text", "Hi @bob, shall we ship on Friday?"));
      b.call("append", Map.of("text", "Morning! Any news?"));
      JsonNode sent = b.call("push", Map.of("txn_id", "b-1"));
      firstPush = sent.get("message_id").asText();
      // bob's message arrived while alice drafted: her push is interrupted and delivers it.
      JsonNode interrupted = a.call("push");
      assertThat(interrupted.get("interrupted").asBoolean()).isTrue();
      assertThat(chatLines(interrupted)).containsExactly("bob: Morning! Any news?");
      assertThat(a.call("push").get("status").asInt()).isEqualTo(1);
      assertThat(chatLines(b.call("check", Map.of("timeout_ms", 0))))
          .containsExactly("alice: Hi @bob, shall we ship on Friday?");
      a.call("append", Map.of("text", "half of ", "txn_id", "a-1"));
      a.call("append", Map.of("text", "a thought", "txn_id", "a-2"));
      b.call("append", Map.of("text", "said before the restart"));
      b.call("push", Map.of("txn_id", "b-2"));
      b.call("append", Map.of("text", "unsent draft"));
      b.call("talking_stick");
    }

    try (RunningServer server = start()) {
      JsonNode resumed =
          server
              .client()
              .call("login", Map.of("username", "alice", "room", "durable", "resume", alice));
      assertThat(resumed.get("resumed").asBoolean()).isTrue();
      assertThat(lines(resumed))
          .containsExactly("bob: said before the restart", "system: bob has the talking stick");
      RpcClient a = server.client().withSession(alice);
      assertThat(a.call("preview").get("draft").asText()).isEqualTo("half of a thought");
      assertThat(
              a.call("append", Map.of("text", "a thought", "txn_id", "a-2")).get("suffix").asText())
          .as("a retried append changes nothing")
          .isEqualTo("half of a thought");

      RpcClient b = server.client().withSession(bob);
      assertThat(b.call("preview").get("draft").asText()).isEqualTo("unsent draft");
      JsonNode participants = b.call("participants");
      assertThat(participants.get("participants").findValuesAsText("username"))
          .containsExactly("alice", "bob");
      assertThat(participants.get("participants").get(1).get("holds_stick").asBoolean()).isTrue();
      assertThat(b.call("push", Map.of("txn_id", "b-1")).get("message_id").asText())
          .isEqualTo(firstPush);
      assertThat(chatLines(b.call("history")))
          .containsExactly(
              "bob: Morning! Any news?",
              "alice: Hi @bob, shall we ship on Friday?",
              "bob: said before the restart");
      assertThat(b.call("preview").get("draft").asText()).isEqualTo("unsent draft");
      // Numbering goes on from the stored log.
      assertThat(b.call("push").get("message_id").asText()).isEqualTo("msg-7");
    }
  }
}
