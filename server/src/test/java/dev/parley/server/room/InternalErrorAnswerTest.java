package dev.parley.server.room;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.extension.events.RoomEventListener;
import dev.parley.server.ServerLimits;
import dev.parley.server.rpc.JsonRpcEndpoint;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A failure inside a method (here a commit the store refuses) is answered -32603 with an incident
 * id and nothing else, the same id logged with the failure in full, and heard under the method's
 * name.
 */
class InternalErrorAnswerTest {
  private final FaultyStore store = new FaultyStore();
  private final RoomEngine engine =
      new RoomEngine(
          store,
          RoomEngine.Options.of(ServerLimits.defaults()).withSweep(false),
          Clock.systemUTC(),
          Ticker.SYSTEM,
          RoomEventListener.NONE);
  private final List<String> heard = new CopyOnWriteArrayList<>();
  private final JsonRpcEndpoint endpoint =
      new JsonRpcEndpoint(engine, 10, (method, error, nanos) -> heard.add(method + " " + error));
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger log = (Logger) LoggerFactory.getLogger(JsonRpcEndpoint.class);

  @AfterEach
  void close() {
    log.detachAppender(logged);
    engine.close();
  }

  @Test
  void aFailingCommitIsAnInternalErrorWithAnIncidentIdOnly() {
    logged.start();
    log.addAppender(logged);
    String token =
        call(
                null,
                "{\"jsonrpc\": \"2.0\", \"method\": \"login\", \"params\": {\"username\": \"ada\"}, \"id\": 1}")
            .at("/result/session")
            .asText();
    call(
        token,
        "{\"jsonrpc\": \"2.0\", \"method\": \"append\", \"params\": {\"text\": \"hello\"}, \"id\": 2}");
    store.failNext(1);

    JsonNode answer = call(token, "{\"jsonrpc\": \"2.0\", \"method\": \"push\", \"id\": \"p\"}");

    assertThat(answer.at("/error/code").asInt()).isEqualTo(-32603);
    assertThat(answer.at("/error/message").asText()).isEqualTo("Internal error");
    assertThat(answer.get("id").asText()).isEqualTo("p");
    JsonNode data = answer.at("/error/data");
    assertThat(data.properties())
        .extracting(java.util.Map.Entry::getKey)
        .containsExactly("incident");
    String incident = data.get("incident").asText();
    assertThat(answer.toString()).doesNotContain("disk", "Store", "Exception");
    assertThat(logged.list)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getFormattedMessage()).contains(incident);
              assertThat(e.getThrowableProxy().getMessage()).contains("injected: the disk is full");
            });
    assertThat(heard).containsExactly("login null", "append null", "push -32603");
  }

  private JsonNode call(String bearer, String body) {
    return endpoint.handle(body.getBytes(StandardCharsets.UTF_8), bearer, "127.0.0.1");
  }
}
