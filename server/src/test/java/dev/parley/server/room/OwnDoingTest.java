package dev.parley.server.room;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.api.HistoryResult;
import dev.parley.api.Message;
import dev.parley.server.ServerLimits;
import dev.parley.server.store.MemoryStore;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The own-doing rule, as delivery applies it and as {@code history} does with {@code exclude_own}.
 */
class OwnDoingTest {
  private final RoomEngine engine =
      new RoomEngine(
          new MemoryStore(),
          RoomEngine.Options.of(ServerLimits.defaults()).withSweep(false),
          Clock.systemUTC(),
          new FakeTicker(),
          e -> {});

  @AfterEach
  void close() {
    engine.close();
  }

  private final List<String> bobGot = new java.util.ArrayList<>();

  private void say(String token, String text) {
    List<Message> got = new java.util.ArrayList<>(engine.append(token, text).messages());
    got.addAll(engine.push(token, true, null).messages());
    if (token.equals(bob)) {
      got.stream().map(Message::content).forEach(bobGot::add);
    }
  }

  private String bob;

  private static List<String> contents(HistoryResult page) {
    return page.messages().stream().map(Message::content).toList();
  }

  @Test
  void historyWithExcludeOwnPagesThroughWhatDeliveryWouldHaveHandedOver() {
    String ada = engine.login("ada", "r", null, null).session();
    bob = engine.login("Bob", "r", null, null).session();
    engine.preview(bob);
    long from = engine.history(bob, null, null, 1).messages().get(0).seq();
    say(bob, "mine 1");
    say(bob, "mine 2");
    say(ada, "hers 1");
    say(bob, "mine 3");
    engine.talkingStick(bob).messages().stream().map(Message::content).forEach(bobGot::add);
    say(ada, "hers 2");
    say(ada, "hers 3");

    HistoryResult first = engine.history(bob, null, from, 2, true);
    assertThat(contents(first)).containsExactly("hers 1", "hers 2");
    assertThat(first.hasMore()).isTrue();
    HistoryResult rest = engine.history(bob, null, first.messages().get(1).seq(), 2, true);
    assertThat(contents(rest)).containsExactly("hers 3");
    assertThat(rest.hasMore()).isFalse();
    // Exactly what delivery handed over, in the same order.
    engine.preview(bob).messages().stream().map(Message::content).forEach(bobGot::add);
    assertThat(bobGot).containsExactly("hers 1", "hers 2", "hers 3");

    assertThat(contents(engine.history(bob, null, null, 2, true)))
        .containsExactly("hers 2", "hers 3");
    assertThat(contents(engine.history(bob, null, from, 3, false)))
        .containsExactly("mine 1", "mine 2", "hers 1");
  }
}
