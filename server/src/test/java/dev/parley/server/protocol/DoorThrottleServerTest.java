package dev.parley.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Calls that reach no live session are limited per client address, with the default limits, on a
 * real daemon over loopback: every call here comes from 127.0.0.1.
 */
class DoorThrottleServerTest {
  /** More calls than the default burst and a few seconds of the default rate. */
  private static final int FLOOD = 2_000;

  /**
   * Sends {@code call} until it is refused with 40003; returns that error and how many went through
   * first.
   */
  private static Refusal floodUntilRefused(Supplier<JsonNode> call) {
    for (int i = 0; i < FLOOD; i++) {
      JsonNode response = call.get();
      if (response.path("error").path("code").asInt() == 40003) {
        return new Refusal(response.get("error"), i);
      }
    }
    throw new AssertionError(FLOOD + " calls from one address and none was refused with 40003");
  }

  private record Refusal(JsonNode error, int before) {
    long retryAfterMs() {
      return error.get("data").get("retry_after_ms").asLong();
    }
  }

  @Test
  void aLoginFloodIsRefusedAfterTheBurstWhileLiveSessionsGoOn() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      RpcClient ada = server.login("ada", "flood");
      JsonNode limits =
          server.client().call("login", Map.of("username", "bob", "room", "flood")).get("limits");

      int[] n = {0};
      Refusal refused =
          floodUntilRefused(
              () ->
                  server
                      .client()
                      .request("login", Map.of("username", "u" + n[0]++, "room", "flood")));
      int burst = limits.get("door_burst").asInt();
      int rate = limits.get("door_rate_per_second").asInt();
      assertThat(burst).isEqualTo(100);
      assertThat(rate).isEqualTo(20);
      assertThat(refused.before()).isGreaterThanOrEqualTo(burst - 2);
      assertThat(refused.retryAfterMs()).isBetween(1L, 1000L / rate);
      assertThat(refused.error().get("message").asText()).isEqualTo("Rate limit exceeded");

      // The sessions that exist are not at the door: their calls go on as before.
      ada.call("append", Map.of("text", "still here"));
      assertThat(ada.call("push").get("status").asInt()).isEqualTo(1);
      assertThat(ada.call("participants").get("participants")).hasSizeGreaterThan(2);
    }
  }

  @Test
  void callsWithUnknownOrMissingTokensAreThrottled() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      RpcClient ada = server.login("ada", "tokens");
      RpcClient stranger = server.client().withSession("AAAAAAAAAAAAAAAAAAAAAA");
      JsonNode unknown = stranger.request("preview", Map.of());
      assertThat(unknown.get("error").get("code").asInt()).isEqualTo(40010);

      Refusal refused = floodUntilRefused(() -> stranger.request("check", Map.of("timeout_ms", 0)));
      assertThat(refused.before()).isGreaterThan(50);
      assertThat(refused.retryAfterMs()).isPositive();
      // Without a token, and logging out with one nobody holds, count against the same address:
      // refused at once, or after the token or two the bucket regained since (20 a second).
      assertThat(floodUntilRefused(() -> server.client().request("preview", Map.of())).before())
          .isLessThan(5);
      assertThat(floodUntilRefused(() -> stranger.request("logout", Map.of())).before())
          .isLessThan(5);

      assertThat(ada.call("preview").get("draft").asText()).isEmpty();
    }
  }

  @Test
  void roomsIsThrottled() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      RpcClient ada = server.login("ada", "listed");
      Refusal refused = floodUntilRefused(() -> server.client().request("rooms", Map.of()));
      assertThat(refused.before()).isGreaterThan(50);
      assertThat(refused.retryAfterMs()).isPositive();
      assertThat(ada.call("history", Map.of()).get("messages")).isNotEmpty();
    }
  }
}
