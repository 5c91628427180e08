package dev.parley.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.server.ServerConfig;
import dev.parley.server.cli.DatabaseOption;
import dev.parley.server.testing.ChildDaemon;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import dev.parley.server.testing.TestDatabase;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two daemons on one database; 20 clients push through both, call by call, and one daemon is killed
 * with SIGKILL under that load. The clients retry on the surviving daemon with their token and
 * txn_ids: every acknowledged push is then in the room exactly once, and so is every push.
 */
@Tag("stress")
class ClusterKillTest {
  private static final int CLIENTS = 20;
  private static final int PUSHES = 50;
  private static final int KILL_AFTER = 300;
  private static final String ROOM = "failover";

  @RegisterExtension final TestDatabase postgres = new TestDatabase();
  @TempDir Path childDir;

  private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
  private final AtomicInteger answered = new AtomicInteger();
  private final CountDownLatch enough = new CountDownLatch(1);
  private final AtomicBoolean killed = new AtomicBoolean();
  private final AtomicInteger retries = new AtomicInteger();

  @Test
  void everyAcknowledgedPushIsThereExactlyOnceAfterOneDaemonIsKilled() throws Exception {
    ChildDaemon doomed =
        ChildDaemon.start(
            // It makes the room, for clients that are agents alone, pushing past the loop guard.
            List.of(
                "--database",
                postgres.database().url(),
                "--data-dir",
                childDir.toString(),
                "--max-agent-run",
                "0"),
            Map.of(DatabaseOption.PASSWORD, postgres.database().password()));
    try (RunningServer survivor =
        RunningServer.start(ServerConfig.ephemeral().withDatabase(postgres.database()))) {
      // The room is made, and so served, by the daemon about to die.
      List<String> tokens = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        URI first = c == 0 ? doomed.uri() : (c % 2 == 0 ? doomed.uri() : survivor.uri());
        tokens.add(RpcClient.at(first).login("c" + c, ROOM).session());
      }
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          int me = c;
          clients.add(
              pool.submit(
                  () -> {
                    push(me, tokens.get(me), List.of(doomed.uri(), survivor.uri()));
                    return null;
                  }));
        }
        assertThat(enough.await(3, TimeUnit.MINUTES)).as("pushes before the kill").isTrue();
        assertThat(doomed.kill()).as("killed by SIGKILL").isEqualTo(137);
        killed.set(true);
        for (Future<?> f : clients) {
          f.get(5, TimeUnit.MINUTES);
        }
      }
      assertThat(retries.get()).as("calls cut off by the kill and retried").isPositive();
      assertEveryPushOnce(RpcClient.at(survivor.uri()).withSession(tokens.get(0)));
    } finally {
      doomed.process().destroyForcibly();
    }
  }

  /** One client: append then push with txn_ids, each call to the other daemon than the last. */
  private void push(int me, String token, List<URI> nodes) {
    int call = me;
    for (int i = 0; i < PUSHES; i++) {
      String text = "c" + me + "-" + i;
      call = retrying(token, nodes, call, "append", Map.of("text", text, "txn_id", "a-" + text));
      JsonNode[] answer = new JsonNode[1];
      call = retrying(token, nodes, call, "push", Map.of("force", true, "txn_id", text), answer);
      JsonNode push = answer[0];
      if (push.has("error")) {
        // An append answered by the daemon that died, whose draft it had not stored yet.
        assertThat(push.get("error").get("code").asInt()).as("%s: %s", text, push).isEqualTo(40001);
        call = retrying(token, nodes, call, "append", Map.of("text", text, "txn_id", "a2-" + text));
        call = retrying(token, nodes, call, "push", Map.of("force", true, "txn_id", text), answer);
        push = answer[0];
      }
      assertThat(push.has("result")).as("%s: %s", text, push).isTrue();
      acknowledge(text, push.get("result"));
    }
  }

  private int retrying(String token, List<URI> nodes, int call, String method, Map<String, ?> p) {
    return retrying(token, nodes, call, method, p, new JsonNode[1]);
  }

  /**
   * Sends the call to the next daemon; when that one is cut off, or answers without a JSON-RPC
   * response (the daemon it forwarded to died), sends the same call to the other, as a client
   * behind a load balancer would. Returns the next call's number.
   */
  private int retrying(
      String token, List<URI> nodes, int call, String method, Map<String, ?> p, JsonNode[] out) {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (true) {
      // After the kill every call goes to the survivor: the load balancer has marked the other
      // down.
      URI node = killed.get() ? nodes.get(1) : nodes.get(call % 2);
      call++;
      ObjectNode body = RpcClient.JSON.createObjectNode();
      body.put("jsonrpc", "2.0");
      body.put("id", call);
      body.put("method", method);
      body.set("params", RpcClient.JSON.valueToTree(p));
      try {
        HttpResponse<String> http = RpcClient.at(node).withSession(token).post(body.toString());
        if (http.statusCode() == 200) {
          JsonNode response = RpcClient.parse(http.body());
          if (!"push".equals(method)) {
            assertThat(response.has("result")).as("%s: %s", method, response).isTrue();
          }
          out[0] = response;
          return call;
        }
        assertThat(http.statusCode()).as("%s: %s", method, http.body()).isEqualTo(502);
      } catch (UncheckedIOException cutOff) {
        // The daemon died under this call, or is dead.
      }
      retries.incrementAndGet();
      assertThat(System.nanoTime()).as("%s answered in time", method).isLessThan(deadline);
    }
  }

  private void acknowledge(String text, JsonNode result) {
    assertThat(result.get("status").asInt()).isEqualTo(1);
    String previous = acknowledged.putIfAbsent(text, result.get("message_id").asText());
    assertThat(previous)
        .as("%s answered with two ids", text)
        .isIn(null, result.get("message_id").asText());
    if (answered.incrementAndGet() == KILL_AFTER) {
      enough.countDown();
    }
  }

  private void assertEveryPushOnce(RpcClient reader) {
    Map<String, String> chat = new HashMap<>();
    long after = 0;
    JsonNode page;
    do {
      page = reader.call("history", Map.of("after", after, "limit", 200));
      for (JsonNode m : page.get("messages")) {
        assertThat(m.get("seq").asLong()).as("gapless").isEqualTo(after + 1);
        after = m.get("seq").asLong();
        if ("chat".equals(m.get("kind").asText())) {
          String previous = chat.put(m.get("content").asText(), m.get("message_id").asText());
          assertThat(previous).as("%s stored twice", m.get("content").asText()).isNull();
        }
      }
    } while (page.get("has_more").asBoolean());
    assertThat(chat).hasSize(CLIENTS * PUSHES);
    assertThat(chat).containsExactlyInAnyOrderEntriesOf(acknowledged);
  }
}
