package dev.parley.server.store;

import static dev.parley.server.testing.RpcClient.chatLines;
import static dev.parley.server.testing.RpcClient.lines;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.ServerConfig;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new server on the same data directory finds everything as the old one left it. */
class RestartTest {
  @TempDir Path dataDir;

  private RunningServer start() throws Exception {
    return RunningServer.start(ServerConfig.ephemeral().withDataDir(dataDir));
  }

  @Test
  void sessionsDraftsCursorsAndTxnIdsSurviveARestart() throws Exception {
    String alice;
    String bob;
    String firstPush;
    try (RunningServer server = start()) {
      RpcClient a = server.login("alice", "durable");
      RpcClient b = server.login("bob", "durable");
      alice = a.session();
      bob = b.session();
      a.call("check", Map.of("timeout_ms", 0));
      a.call("append", Map.of("text", "half of "));
      a.call("append", Map.of("text", "a thought"));
      b.call("append", Map.of("text", "said before the restart"));
      firstPush = b.call("push", Map.of("txn_id", "b-1")).get("message_id").asText();
      b.call("append", Map.of("text", "unsent draft"));
      b.call("talking_stick");
    }

    try (RunningServer server = start()) {
      JsonNode resumed =
          server
              .client()
              .call("login", Map.of("username", "alice", "room", "durable", "resume", alice));
      assertThat(resumed.get("resumed").asBoolean()).isTrue();
      // Exactly what alice had not been delivered: bob's message and his stick claim.
      assertThat(lines(resumed))
          .containsExactly("bob: said before the restart", "system: bob has the talking stick");
      RpcClient a = server.client().withSession(alice);
      JsonNode preview = a.call("preview");
      assertThat(preview.get("draft").asText()).isEqualTo("half of a thought");
      assertThat(preview.get("segments")).hasSize(2);
      assertThat(a.call("undo").get("suffix").asText()).isEqualTo("half of ");

      // bob never logged in again: his token still works, as do his draft, stick and txn_id.
      RpcClient b = server.client().withSession(bob);
      assertThat(b.call("preview").get("draft").asText()).isEqualTo("unsent draft");
      JsonNode participants = b.call("participants");
      assertThat(participants.get("participants").findValuesAsText("username"))
          .containsExactly("alice", "bob");
      assertThat(participants.get("participants").get(1).get("holds_stick").asBoolean()).isTrue();
      JsonNode replay = b.call("push", Map.of("txn_id", "b-1"));
      assertThat(replay.get("message_id").asText()).isEqualTo(firstPush);
      assertThat(chatLines(b.call("history"))).containsExactly("bob: said before the restart");
      assertThat(b.call("preview").get("draft").asText()).isEqualTo("unsent draft");
    }
  }

  @Test
  void draftEditTxnIdsSurviveARestartWithTheDraftTheyMade() throws Exception {
    String alice;
    JsonNode appended;
    try (RunningServer server = start()) {
      RpcClient a = server.login("alice", "edits");
      alice = a.session();
      appended = a.call("append", Map.of("text", "first ", "txn_id", "a-1"));
      a.call("append", Map.of("text", "second", "txn_id", "a-2"));
      a.call("undo", Map.of("txn_id", "u-1"));
    }

    try (RunningServer server = start()) {
      RpcClient a = server.client().withSession(alice);
      assertThat(a.call("append", Map.of("text", "first ", "txn_id", "a-1"))).isEqualTo(appended);
      assertThat(a.call("undo", Map.of("txn_id", "u-1")).get("suffix").asText())
          .isEqualTo("first ");
      assertThat(a.call("preview").get("segments")).hasSize(1);
      // The restart kept the ids, not just the draft: a new id still edits.
      assertThat(a.call("undo", Map.of("txn_id", "u-2")).get("status").asInt()).isEqualTo(1);
    }
  }

  @Test
  void sessionsIdlePastTheTtlAreGoneAfterARestartAndTheirRoomsSaySo() throws Exception {
    String idle;
    String active;
    try (RunningServer server = start()) {
      idle = server.login("idle", "ttl").session();
      active = server.login("active", "ttl").session();
    }
    // The idle session's last call was an hour ago, far past the 10-minute TTL.
    try (Connection c =
            DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(SqliteStore.DATABASE));
        PreparedStatement ps =
            c.prepareStatement("UPDATE sessions SET last_active = ? WHERE username = 'idle'")) {
      ps.setLong(1, Instant.now().minusSeconds(3600).toEpochMilli());
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }

    try (RunningServer server = start()) {
      RpcClient a = server.client().withSession(active);
      assertThat(lines(a.call("participants")))
          .containsExactly("system: idle has left (session expired)");
      assertThat(a.call("participants").get("participants").findValuesAsText("username"))
          .containsExactly("active");
      JsonNode gone = server.client().withSession(idle).error("preview", Map.of(), 40010);
      assertThat(gone.get("data").get("reason").asText()).isIn("expired", "unknown");
      // The name is free again, and resume with the dead token starts a new session.
      JsonNode again =
          server.client().call("login", Map.of("username", "idle", "room", "ttl", "resume", idle));
      assertThat(again.get("resumed").asBoolean()).isFalse();
    }
  }
}
