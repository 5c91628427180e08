package dev.parley.server.protocol;

import static dev.parley.server.protocol.RoomSteps.BOUND;
import static dev.parley.server.protocol.RoomSteps.drain;
import static dev.parley.server.protocol.RoomSteps.say;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.ServerLimits;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Thousands of long-polling {@code check}s parked at once, each its own HTTP request and session,
 * all released by a single push: no request may be starved, dropped or cut off.
 */
@Tag("stress")
class PendingChecksTest {
  private static final int WAITERS = 2_000;
  private static final String ROOM = "crowd";

  /** The cap, and twice the bound of any wait below: only the push can end these checks in time. */
  private static final int CHECK_MS = 60_000;

  @Test
  void twoThousandPendingChecksAreAllReleasedByOnePush() throws Exception {
    // 2,000 logins from one address in a few seconds are what the door limit refuses: off here.
    try (RunningServer server = RunningServer.start(ServerLimits.defaults().withDoor(0, 1));
        // Enough parallel clients to keep the machine busy while the 2,000 sessions are set up.
        ExecutorService setup = Executors.newFixedThreadPool(8)) {
      RpcClient speaker = server.login("speaker", ROOM);

      List<Future<RpcClient>> logins = new ArrayList<>();
      for (int i = 0; i < WAITERS; i++) {
        String name = "w" + i;
        logins.add(setup.submit(() -> server.login(name, ROOM)));
      }
      List<RpcClient> waiters = new ArrayList<>();
      for (Future<RpcClient> login : logins) {
        waiters.add(login.get(BOUND.toSeconds(), TimeUnit.SECONDS));
      }
      // The joins of later logins are undelivered messages: taken now, they cannot end the checks.
      List<Future<JsonNode>> drains = new ArrayList<>();
      for (RpcClient w : waiters) {
        drains.add(setup.submit(() -> drain(w)));
      }
      for (Future<JsonNode> d : drains) {
        d.get(BOUND.toSeconds(), TimeUnit.SECONDS);
      }

      List<CompletableFuture<JsonNode>> checks = new ArrayList<>();
      for (RpcClient w : waiters) {
        checks.add(w.callAsync("check", Map.of("timeout_ms", CHECK_MS)));
      }
      // Push only once every check is parked on the server, so that the one push releases all.
      await()
          .atMost(BOUND)
          .pollInterval(Duration.ofMillis(100))
          .failFast(
              () ->
                  checks.stream()
                      .filter(CompletableFuture::isDone)
                      .findFirst()
                      .ifPresent(
                          c ->
                              fail(
                                  "a check ended before the push: "
                                      + c.handle((r, e) -> e != null ? e : r).join())))
          .untilAsserted(
              () -> assertThat(waiting(speaker.call("participants"))).isEqualTo(WAITERS));
      String sent = say(speaker, "wake up, all of you").get("message_id").asText();

      CompletableFuture.allOf(checks.toArray(new CompletableFuture<?>[0]))
          .get(BOUND.toSeconds(), TimeUnit.SECONDS);
      for (CompletableFuture<JsonNode> check : checks) {
        JsonNode result = check.get();
        assertThat(result.get("status").asInt()).isEqualTo(1);
        assertThat(result.get("messages").findValuesAsText("message_id")).containsExactly(sent);
      }
      assertThat(waiting(speaker.call("participants"))).isZero();
    }
  }

  private static long waiting(JsonNode participants) {
    long n = 0;
    for (JsonNode p : participants.get("participants")) {
      if ("waiting".equals(p.get("state").asText())) {
        n++;
      }
    }
    return n;
  }
}
