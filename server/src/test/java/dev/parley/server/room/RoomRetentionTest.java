package dev.parley.server.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.api.Message;
import dev.parley.api.RoomSummary;
import dev.parley.server.ServerLimits;
import dev.parley.server.log.ConversationLog;
import dev.parley.server.store.RoomRecord;
import dev.parley.server.store.SqliteStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rooms idle past the retention are deleted by the sweep, from memory, the SQLite file and the
 * conversation logs; rooms with a session or a recent message stay. Hand-moved clocks.
 */
class RoomRetentionTest {
  private static final Duration RETENTION = Duration.ofDays(30);
  private static final Duration BOUND = Duration.ofSeconds(10);

  @TempDir Path dataDir;

  private final FakeTicker ticker = new FakeTicker();
  private final FakeClock clock = new FakeClock();
  private SqliteStore store;
  private ConversationLog log;
  private RoomEngine engine;

  private RoomEngine start(Duration retention) {
    store = SqliteStore.open(dataDir);
    log = new ConversationLog(dataDir.resolve("logs"));
    ServerLimits limits = ServerLimits.defaults().withRoomRetention(retention);
    engine =
        new RoomEngine(store, RoomEngine.Options.of(limits).withSweep(false), clock, ticker, log);
    return engine;
  }

  private void stop() {
    engine.close();
    store.close();
    log.close();
    engine = null;
  }

  @AfterEach
  void close() {
    if (engine != null) {
      stop();
    }
  }

  private Path logFile(String room) {
    return ConversationLog.file(dataDir.resolve("logs"), room);
  }

  private List<String> roomNames() {
    return engine.rooms().rooms().stream().map(RoomSummary::room).toList();
  }

  private void visit(String user, String room, String text) {
    String token = engine.login(user, room, null, null).session();
    engine.append(token, text);
    engine.push(token, false, null);
    engine.logout(token);
  }

  @Test
  void aRoomIdlePastTheRetentionIsDeletedEverywhereAndOthersStay() {
    RoomEngine e = start(RETENTION);
    visit("ada", "idle", "anyone?");
    String bob = e.login("bob", "occupied", null, null).session();
    visit("cy", "recent", "first");
    await()
        .atMost(BOUND)
        .until(() -> Files.exists(logFile("idle")) && Files.exists(logFile("recent")));

    clock.advance(Duration.ofDays(20));
    visit("dee", "recent", "still talking");
    clock.advance(RETENTION.minusDays(20).minusSeconds(1));
    e.sweep();
    assertThat(roomNames()).containsExactly("idle", "occupied", "recent");

    clock.advance(Duration.ofSeconds(2));
    e.sweep();
    assertThat(roomNames()).containsExactly("occupied", "recent");
    // The live session keeps its room however long it has been quiet (its TTL runs on the ticker).
    assertThat(e.participants(bob).participants()).hasSize(1);
    await()
        .atMost(BOUND)
        .until(
            () -> store.rooms().stream().map(RoomRecord::name).toList(),
            names -> names.equals(List.of("occupied", "recent")));
    assertThat(store.lastSeq("idle")).isZero();
    assertThat(store.sessions()).extracting(r -> r.room()).containsExactly("occupied");
    await().atMost(BOUND).until(() -> !Files.exists(logFile("idle")));
    assertThat(logFile("recent")).exists();
    assertThat(logFile("occupied")).exists();
  }

  @Test
  void aRoomMadeAgainAfterItsDeletionStartsAfresh() throws Exception {
    RoomEngine e = start(RETENTION);
    visit("ada", "again", "old words");
    clock.advance(RETENTION);
    e.sweep();
    assertThat(roomNames()).isEmpty();

    List<Message> context = e.login("bob", "again", null, null).messages();
    assertThat(context).isEmpty();
    assertThat(roomNames()).containsExactly("again");
    await().atMost(BOUND).until(() -> store.lastSeq("again") == 1);
    assertThat(store.after("again", 0, 10))
        .extracting(m -> m.message().content())
        .containsExactly("bob has joined");
    await()
        .atMost(BOUND)
        .until(
            () ->
                Files.exists(logFile("again"))
                    && Files.readString(logFile("again")).contains("bob has joined"));
    assertThat(Files.readString(logFile("again"))).doesNotContain("old words");
  }

  @Test
  void idlenessIsMeasuredFromTheStoredMessagesAcrossARestart() {
    start(RETENTION);
    visit("ada", "kept", "before the restart");
    stop();

    clock.advance(RETENTION.minusDays(1));
    RoomEngine e = start(RETENTION);
    e.sweep();
    assertThat(roomNames()).containsExactly("kept");
    stop();

    clock.advance(Duration.ofDays(1));
    e = start(RETENTION);
    e.sweep();
    assertThat(roomNames()).isEmpty();
    await().atMost(BOUND).until(() -> store.rooms().isEmpty());
  }

  @Test
  void aRoomWithoutMessagesAgesFromWhenTheEngineTookItUp() {
    RoomEngine e = start(RETENTION);
    e.createRoom("empty", null);
    clock.advance(RETENTION.minusSeconds(1));
    e.sweep();
    assertThat(roomNames()).containsExactly("empty");
    clock.advance(Duration.ofSeconds(1));
    e.sweep();
    assertThat(roomNames()).isEmpty();
  }

  @Test
  void withoutARetentionRoomsAreKeptForEver() {
    RoomEngine e = start(Duration.ZERO);
    visit("ada", "forever", "hello");
    clock.advance(Duration.ofDays(3650));
    e.sweep();
    assertThat(roomNames()).containsExactly("forever");
  }
}
