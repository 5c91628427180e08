package dev.parley.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** 40011 says who holds the name, when it was last active, and how to get the name back. */
class UsernameTakenDataTest {
  private static final long TTL_MS = 600_000;

  @Test
  void aTakenNameSaysHowToGetItBack() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      Instant before = Instant.now();
      RpcClient alice = server.login("alice", "release");
      JsonNode data =
          server
              .client()
              .error("login", Map.of("username", "Alice", "room", "release"), 40011)
              .path("data");
      assertThat(data.path("username").asText()).isEqualTo("Alice");
      assertThat(data.path("room").asText()).isEqualTo("release");
      assertThat(data.path("holder").asText()).isEqualTo("alice");
      assertThat(Instant.parse(data.path("last_active").asText()))
          .isBetween(before.minusSeconds(1), Instant.now());
      assertThat(data.path("retry_after_ms").asLong()).isBetween(TTL_MS - 60_000, TTL_MS);
      assertThat(data.path("detail").asText())
          .startsWith("Alice is too like alice, who is in release, last active ")
          .contains("log in with resume set to that session's token")
          .contains("or wait ");

      // The earlier token takes the name back.
      JsonNode resumed =
          server
              .client()
              .call(
                  "login",
                  Map.of("username", "alice", "room", "release", "resume", alice.session()));
      assertThat(resumed.path("resumed").asBoolean()).isTrue();
    }
  }

  @Test
  void theReservedNameHasNoHolder() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      JsonNode data =
          server
              .client()
              .error("login", Map.of("username", "system", "room", "release"), 40011)
              .path("data");
      assertThat(data.has("holder")).isFalse();
      assertThat(data.has("retry_after_ms")).isFalse();
      assertThat(data.path("detail").asText()).contains("reserved");
    }
  }
}
