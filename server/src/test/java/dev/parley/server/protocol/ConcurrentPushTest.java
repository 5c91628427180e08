package dev.parley.server.protocol;

import static dev.parley.server.protocol.RoomSteps.BOUND;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.ServerLimits;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Many participants pushing into one room at once: the delivery rule (every message of others
 * exactly once, none of one's own, nothing skipped) must hold under contention, and every
 * participant must see the one order the log has.
 */
@Tag("stress")
class ConcurrentPushTest {
  private static final int CLIENTS = 20;
  private static final int MESSAGES = 50;
  private static final String ROOM = "crowded";

  @Test
  void everyParticipantGetsEveryOtherMessageOnceInTheLogsOrder() throws Exception {
    try (RunningServer server =
            RunningServer.start(
                dev.parley.server.ServerConfig.ephemeral()
                    .withLimits(withoutRateLimit())
                    .withRoomDefaults(RunningServer.AGENTS_ONLY));
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Talker> everyone = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        everyone.add(new Talker(server.login("p" + i, ROOM)));
      }

      List<Future<?>> talkers = new ArrayList<>();
      for (Talker p : everyone) {
        talkers.add(threads.submit(() -> p.talk(MESSAGES)));
      }
      for (Future<?> talker : talkers) {
        talker.get(2 * BOUND.toSeconds(), TimeUnit.SECONDS);
      }

      int othersMessages = (CLIENTS - 1) * MESSAGES;
      long deadline = System.nanoTime() + BOUND.toNanos();
      for (Talker p : everyone) {
        // Everything is stored by now: what a participant lacks is undelivered, or lost.
        while (p.received.size() < othersMessages) {
          assertThat(System.nanoTime())
              .as(
                  "%s got only %d of the others' %d messages",
                  p.client.username(), p.received.size(), othersMessages)
              .isLessThan(deadline);
          p.record(p.client.call("check", Map.of("timeout_ms", 1000)));
        }
      }

      List<JsonNode> log = chatLog(everyone.get(0).client);
      assertThat(log).hasSize(CLIENTS * MESSAGES);
      for (Talker p : everyone) {
        String me = p.client.username();
        List<String> expected =
            log.stream()
                .filter(m -> !m.get("sender_id").asText().equals(me))
                .map(m -> m.get("message_id").asText())
                .toList();
        // Exactly once, nothing of its own, nothing missing, and in the log's order.
        assertThat(p.received)
            .as("chat messages delivered to %s", me)
            .containsExactlyElementsOf(expected);
        // Each push's message is in the log under the id the push returned, with its text.
        List<String> mine =
            log.stream()
                .filter(m -> m.get("sender_id").asText().equals(me))
                .map(m -> m.get("message_id").asText() + " " + m.get("content").asText())
                .toList();
        assertThat(mine).containsExactlyElementsOf(p.sent);
      }
    }
  }

  /**
   * Each participant retries an interrupted push at once, with no think time: thousands of calls a
   * second between them, which is what the per-session rate limit exists to stop, and how soon a
   * session meets it depends on the machine's speed. The limit is not under test here.
   */
  private static ServerLimits withoutRateLimit() {
    return ServerLimits.defaults().withRate(0, ServerLimits.defaults().rateBurst());
  }

  /** The whole log's chat messages, oldest first, paged through {@code history}. */
  private static List<JsonNode> chatLog(RpcClient reader) {
    List<JsonNode> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    long after = 0;
    while (true) {
      JsonNode page = reader.call("history", Map.of("after", after, "limit", 200));
      for (JsonNode m : page.get("messages")) {
        assertThat(seen.add(m.get("message_id").asText())).as("history repeats %s", m).isTrue();
        after = m.get("seq").asLong();
        if ("chat".equals(m.get("kind").asText())) {
          out.add(m);
        }
      }
      if (!page.get("has_more").asBoolean()) {
        return out;
      }
    }
  }

  /** One client and what it saw: the ids of the chat messages delivered to it, in order. */
  private static final class Talker {
    final RpcClient client;
    final List<String> received = new ArrayList<>();

    /** {@code "<message_id> <content>"} of each message it sent, in order. */
    final List<String> sent = new ArrayList<>();

    Talker(RpcClient client) {
      this.client = client;
    }

    void talk(int messages) {
      for (int n = 0; n < messages; n++) {
        String text = client.username() + " says " + n;
        record(client.call("append", Map.of("text", text)));
        while (true) {
          JsonNode push = client.call("push");
          record(push);
          if (push.get("status").asInt() == 1) {
            sent.add(push.get("message_id").asText() + " " + text);
            break;
          }
          // Others spoke since our last response: the protocol's interruption. We have now
          // read them, so push the kept draft again, as an agent that still means it would.
          assertThat(push.get("interrupted").asBoolean()).as("push not sent: %s", push).isTrue();
        }
      }
    }

    /** Notes the chat messages a response delivered. Called by one thread at a time. */
    void record(JsonNode result) {
      for (JsonNode m : result.get("messages")) {
        if ("chat".equals(m.get("kind").asText())) {
          received.add(m.get("message_id").asText());
        }
      }
    }
  }
}
