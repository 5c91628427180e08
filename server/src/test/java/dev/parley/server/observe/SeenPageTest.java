package dev.parley.server.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import dev.parley.viewer.observe.ViewerRoutes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code /observe/seen} on a real daemon over real HTTP: for a range of a live room's messages, who
 * was delivered each and who not, told by the daemon (the viewer computes nothing), and clear JSON
 * errors for bad input.
 */
class SeenPageTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static HttpResponse<String> get(URI base, String query) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(base.resolve(ViewerRoutes.SEEN + query)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String error(URI base, String query) throws Exception {
    return RpcClient.parse(get(base, query).body()).get("error").asText();
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void aRangeOfMessagesSaysWhoWasDeliveredEachAndWhoNot() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      RpcClient ann = server.login("ann", "watched"); // msg-1
      RpcClient bob = server.login("bob", "watched"); // msg-2
      RpcClient cat = server.login("cat", "watched"); // msg-3
      ann.call("append", Map.of("text", "Friday?"));
      ann.call("push"); // msg-4
      bob.call("check", Map.of("timeout_ms", 0));

      HttpResponse<String> r = get(server.uri(), "?room=watched&from=2&to=4");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
      JsonNode body = RpcClient.parse(r.body());
      assertThat(body.get("room").asText()).isEqualTo("watched");
      JsonNode messages = body.get("messages");
      assertThat(messages.findValues("seq"))
          .extracting(JsonNode::asLong)
          .containsExactly(2L, 3L, 4L);
      JsonNode asked = messages.get(2);
      assertThat(texts(asked.get("seen_by"))).containsExactly("bob");
      assertThat(texts(asked.get("not_seen_by"))).containsExactly("cat");
      // bob's join is bob's own doing; cat was handed it in its login's context.
      assertThat(texts(messages.get(0).get("seen_by"))).containsExactly("ann", "cat");

      cat.call("check", Map.of("timeout_ms", 0));
      JsonNode later = RpcClient.parse(get(server.uri(), "?room=watched&from=4&to=99").body());
      assertThat(later.get("messages")).hasSize(1);
      assertThat(texts(later.get("messages").get(0).get("seen_by"))).containsExactly("bob", "cat");
    }
  }

  @Test
  void badRequestsAreClearJsonErrors() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      server.login("carol", "known");
      Map<String, Integer> cases =
          Map.ofEntries(
              Map.entry("?room=known", 400),
              Map.entry("?room=known&from=1", 400),
              Map.entry("?room=known&to=1", 400),
              Map.entry("?room=known&from=0&to=1", 400),
              Map.entry("?room=known&from=3&to=2", 400),
              Map.entry("?room=known&from=one&to=2", 400),
              Map.entry("?room=known&from=-1&to=2", 400),
              Map.entry("?room=known&from=1&to=99999999999999999999", 400),
              Map.entry("?room=&from=1&to=2", 400),
              Map.entry("?room=nosuchroom&from=1&to=2", 404));
      for (Map.Entry<String, Integer> c : cases.entrySet()) {
        HttpResponse<String> r = get(server.uri(), c.getKey());
        assertThat(r.statusCode()).as("%s: %s", c.getKey(), r.body()).isEqualTo(c.getValue());
        JsonNode body = RpcClient.parse(r.body());
        assertThat(body.get("error").asText()).as(c.getKey()).isNotBlank();
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("at dev.");
      }
      assertThat(error(server.uri(), "?room=known&from=1")).startsWith("from and to are required");
      assertThat(error(server.uri(), "?room=known&from=3&to=2"))
          .startsWith("from and to are sequence numbers from 1");
      // A range past the room's end is answered for what the room has.
      JsonNode far =
          RpcClient.parse(get(server.uri(), "?room=known&from=1&to=999999999999999999").body());
      assertThat(far.get("messages").findValues("seq"))
          .extracting(JsonNode::asLong)
          .containsExactly(1L);
    }
  }
}
