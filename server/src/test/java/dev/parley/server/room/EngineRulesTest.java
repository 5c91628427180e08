package dev.parley.server.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.api.FloorHeldException;
import dev.parley.api.FloorPolicy;
import dev.parley.api.LoginResult;
import dev.parley.api.Message;
import dev.parley.api.NotLoggedInException;
import dev.parley.api.PresenceState;
import dev.parley.api.RateLimitedException;
import dev.parley.api.SystemEvent;
import dev.parley.api.SystemEventType;
import dev.parley.api.WakeOn;
import dev.parley.extension.events.RoomEvent;
import dev.parley.server.ServerLimits;
import dev.parley.server.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine's time and failure rules, on the engine itself with a hand-moved ticker. */
class EngineRulesTest {
  private static final Duration TTL = Duration.ofMinutes(10);
  private static final Duration HOLD = Duration.ofSeconds(60);
  private static final Duration BOUND = Duration.ofSeconds(10);

  private final FakeTicker ticker = new FakeTicker();
  private final FaultyStore store = new FaultyStore();
  private final List<RoomEvent> events = new CopyOnWriteArrayList<>();
  private RoomEngine engine;

  private RoomEngine engine(ServerLimits limits) {
    engine =
        new RoomEngine(
            store,
            RoomEngine.Options.of(limits).withSweep(false),
            Clock.systemUTC(),
            ticker,
            events::add);
    return engine;
  }

  private RoomEngine engine() {
    return engine(ServerLimits.defaults().withSessionTtl(TTL).withStickHold(HOLD));
  }

  @AfterEach
  void close() {
    if (engine != null) {
      engine.close();
    }
  }

  private static List<SystemEvent> systemEvents(List<Message> messages) {
    return messages.stream().map(Message::event).filter(e -> e != null).toList();
  }

  @Test
  void aSessionIdleForTheTtlExpiresAndTheRoomIsTold() {
    RoomEngine e = engine();
    String ada = e.login("ada", "r", null, null).session();
    String bob = e.login("bob", "r", null, null).session();
    e.preview(ada);

    ticker.advance(TTL.minusMillis(1));
    e.sweep();
    e.preview(ada);
    assertThat(e.sessionCount()).isEqualTo(2);

    ticker.advance(Duration.ofMillis(2));
    e.sweep();
    assertThat(e.sessionCount()).isEqualTo(1);
    assertThatThrownBy(() -> e.preview(bob))
        .isInstanceOfSatisfying(
            NotLoggedInException.class,
            x -> assertThat(x.reason()).isEqualTo(NotLoggedInException.Reason.EXPIRED));
    assertThat(systemEvents(e.preview(ada).messages()))
        .containsExactly(new SystemEvent(SystemEventType.EXPIRED, "bob", null, null, null, null));
  }

  @Test
  void aPendingCheckKeepsItsSessionAlive() {
    RoomEngine e = engine();
    String ada = e.login("ada", "r", null, null).session();
    String bob = e.login("bob", "r", null, null).session();
    CompletableFuture<Integer> check =
        CompletableFuture.supplyAsync(
            () -> e.check(bob, 30_000, WakeOn.ANY).status(), r -> Thread.ofVirtual().start(r));
    await()
        .atMost(BOUND)
        .until(
            () ->
                e.participants(ada).participants().stream()
                    .anyMatch(
                        p -> p.username().equals("bob") && p.state() == PresenceState.WAITING));

    ticker.advance(TTL.plusMinutes(1));
    e.preview(ada);
    e.sweep();
    assertThat(e.sessionCount()).isEqualTo(2);

    e.append(ada, "still there?");
    e.push(ada, false, null);
    assertThat(check.orTimeout(BOUND.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).join())
        .isEqualTo(1);
  }

  @Test
  void theTalkingStickIsReleasedWhenItsHoldRunsOut() {
    RoomEngine e = engine();
    e.createRoom("floor", FloorPolicy.STICK);
    String ada = e.login("ada", "floor", null, null).session();
    String bob = e.login("bob", "floor", null, null).session();
    assertThat(e.talkingStick(ada).granted()).isTrue();
    assertThat(e.talkingStick(bob).granted()).isFalse();
    assertThatThrownBy(() -> e.append(bob, "me first")).isInstanceOf(FloorHeldException.class);

    ticker.advance(HOLD.minusMillis(1));
    e.sweep();
    assertThat(e.talkingStick(bob).granted()).isFalse();

    ticker.advance(Duration.ofMillis(2));
    e.sweep();
    assertThat(systemEvents(e.preview(bob).messages()))
        .contains(new SystemEvent(SystemEventType.STICK_EXPIRED, "ada", null, null, null, null));
    assertThat(e.talkingStick(bob).granted()).isTrue();
  }

  @Test
  void theRateLimitRefillsWithTime() {
    RoomEngine e = engine(ServerLimits.defaults().withRate(10, 5));
    String ada = e.login("ada", "r", null, null).session();
    for (int i = 0; i < 5; i++) {
      e.preview(ada);
    }
    assertThatThrownBy(() -> e.preview(ada))
        .isInstanceOfSatisfying(
            RateLimitedException.class, x -> assertThat(x.retryAfterMs()).isBetween(1L, 100L));
    ticker.advance(Duration.ofMillis(100));
    e.preview(ada);
    assertThatThrownBy(() -> e.preview(ada)).isInstanceOf(RateLimitedException.class);
  }

  @Test
  void aFailedCommitLeavesTheRoomAsStoredAndTellsNobody() {
    RoomEngine e = engine();
    String ada = e.login("ada", "r", null, null).session();
    LoginResult bobLogin = e.login("bob", "r", null, null);
    String bob = bobLogin.session();
    e.append(ada, "hello");
    e.preview(bob);

    store.failNext(1);
    assertThatThrownBy(() -> e.push(ada, false, "t1")).isInstanceOf(StoreException.class);

    // The room is taken back from the store: the draft is there again, no message was sent.
    await().atMost(BOUND).until(() -> e.preview(ada).draft().equals("hello"));
    assertThat(e.check(bob, 0, WakeOn.ANY).messages()).isEmpty();
    assertThat(events)
        .noneMatch(
            ev ->
                ev instanceof RoomEvent.MessageAppended m && m.message().content().equals("hello"));

    var sent = e.push(ada, false, "t1");
    assertThat(sent.status()).isEqualTo(1);
    assertThat(sent.messageId()).isEqualTo("msg-3");
    assertThat(e.check(bob, 0, WakeOn.ANY).messages())
        .extracting(Message::content)
        .containsExactly("hello");
    assertThat(e.push(ada, false, "t1").messageId()).isEqualTo("msg-3");
  }

  @Test
  void aPushAnswersOnlyOnceStoredButADraftEditDoesNotWait() throws Exception {
    GatedStore gated = new GatedStore();
    engine =
        new RoomEngine(
            gated,
            RoomEngine.Options.of(ServerLimits.defaults()).withSweep(false),
            Clock.systemUTC(),
            ticker,
            events::add);
    String ada = engine.login("ada", "r", null, null).session();

    gated.shut();
    assertThat(engine.append(ada, "quick").status()).isEqualTo(1);
    CompletableFuture<String> push =
        CompletableFuture.supplyAsync(
            () -> engine.push(ada, false, null).messageId(), r -> Thread.ofVirtual().start(r));
    await().during(Duration.ofMillis(200)).atMost(BOUND).until(() -> !push.isDone());
    gated.open();
    assertThat(push.orTimeout(BOUND.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).join())
        .isEqualTo("msg-2");
  }

  @Test
  void aWriterTooFarBehindMakesEvenDraftEditsWait() {
    GatedStore gated = new GatedStore();
    engine =
        new RoomEngine(
            gated,
            RoomEngine.Options.of(ServerLimits.defaults().withRate(0, 1))
                .withSweep(false)
                .withWriteBacklog(3),
            Clock.systemUTC(),
            ticker,
            events::add);
    String ada = engine.login("ada", "r", null, null).session();

    gated.shut();
    // The writer takes one batch and blocks in it; a few edits then queue behind it unwaited,
    // and the next ones wait for the writer.
    java.util.concurrent.atomic.AtomicInteger answered =
        new java.util.concurrent.atomic.AtomicInteger();
    CompletableFuture<Void> edits =
        CompletableFuture.runAsync(
            () -> {
              for (int i = 0; i < 10; i++) {
                engine.append(ada, "x");
                answered.incrementAndGet();
              }
            },
            r -> Thread.ofVirtual().start(r));
    try {
      await().atMost(BOUND).until(() -> answered.get() >= 3);
      await()
          .during(Duration.ofMillis(300))
          .atMost(BOUND)
          .until(() -> answered.get() <= 5 && !edits.isDone());
    } finally {
      gated.open();
    }
    edits.orTimeout(BOUND.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).join();
    assertThat(engine.preview(ada).segments()).hasSize(10);
  }

  @Test
  void eventsComeAfterTheCommitInTheOrderOfTheRoom() {
    RoomEngine e = engine();
    String ada = e.login("ada", "r", null, null).session();
    e.append(ada, "one");
    e.push(ada, false, null);
    await()
        .atMost(BOUND)
        .until(
            () ->
                events.stream()
                    .anyMatch(
                        ev -> ev instanceof RoomEvent.ActionEnded a && a.method().equals("push")));
    assertThat(events)
        .extracting(
            ev ->
                switch (ev) {
                  case RoomEvent.MessageAppended m -> "message " + m.message().content();
                  case RoomEvent.ActionStarted a -> "start " + a.method();
                  case RoomEvent.ActionEnded a -> "end " + a.method();
                  case RoomEvent.PresenceChanged p ->
                      "presence " + p.user() + " " + p.state().wireName();
                  default -> ev.getClass().getSimpleName();
                })
        .containsExactly(
            "message ada has joined",
            "presence ada idle",
            "start append",
            "end append",
            "presence ada drafting",
            "start push",
            "message one",
            "end push",
            "presence ada idle");
  }
}
