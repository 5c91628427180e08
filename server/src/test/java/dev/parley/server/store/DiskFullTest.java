package dev.parley.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.parley.api.FloorPolicy;
import dev.parley.api.LoginResult;
import dev.parley.extension.events.RoomEventListener;
import dev.parley.server.ServerLimits;
import dev.parley.server.room.RoomEngine;
import dev.parley.server.room.Ticker;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A database that cannot grow, as on a full disk (SQLite's own SQLITE_FULL, from a page cap): the
 * error is reported in plain words, nothing half-written is kept, reads go on, and once there is
 * room again every call works, logins included.
 */
class DiskFullTest {
  @TempDir Path dataDir;

  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger queueLog =
      (Logger) LoggerFactory.getLogger("dev.parley.server.room.CommitQueue");

  @BeforeEach
  void listen() {
    logged.start();
    queueLog.addAppender(logged);
  }

  @AfterEach
  void stopListening() {
    queueLog.detachAppender(logged);
  }

  private static String big(int i) {
    return ("row " + i + " ").repeat(2000);
  }

  @Test
  void aFullDatabaseFailsTheCommitWithSqliteFullAndKeepsNothingOfIt() {
    try (SqliteStore store = SqliteStore.open(dataDir)) {
      store.commit(
          List.of(
              new Write.CreateRoom("a", FloorPolicy.OPEN, RoomRecord.LEGACY),
              new Write.AppendMessage(StoreContract.joined("a", 1, "ada"))));
      store.limitPages(1);
      List<Write> tooMuch =
          List.of(
              new Write.AppendMessage(StoreContract.chat("a", 2, "ada", big(2), List.of())),
              new Write.AppendMessage(StoreContract.chat("a", 3, "ada", big(3), List.of())));
      assertThatThrownBy(() -> store.commit(tooMuch))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("the disk is full (SQLITE_FULL)")
          .hasMessageNotContaining("no transaction");
      assertThat(store.after("a", 0, 10)).containsExactly(StoreContract.joined("a", 1, "ada"));

      store.limitPages(1_000_000);
      store.commit(tooMuch);
      assertThat(store.after("a", 0, 10)).hasSize(3);
    }
  }

  @Test
  void theEngineFailsThePushSaysWhyAndServesAgainOnceThereIsRoom() {
    ServerLimits limits = ServerLimits.defaults();
    try (SqliteStore store = SqliteStore.open(dataDir);
        RoomEngine engine =
            new RoomEngine(
                store,
                RoomEngine.Options.of(limits),
                Clock.systemUTC(),
                Ticker.SYSTEM,
                RoomEventListener.NONE)) {
      LoginResult ada = engine.login("ada", "full", null, null);
      String token = ada.session();
      for (int i = 0; i < 16; i++) {
        engine.append(token, big(i).substring(0, 1000));
      }
      // The draft is stored once the next call waits for a commit; then the database is full.
      engine.participants(token);
      Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(30))
          .until(
              () ->
                  store.sessions().stream()
                      .anyMatch(s -> s.draft().stream().mapToInt(String::length).sum() == 16_000));
      store.limitPages(1);
      assertThatThrownBy(() -> engine.push(token, false, null)).isInstanceOf(StoreException.class);
      assertThat(logged.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .anySatisfy(line -> assertThat(line).contains("the disk is full (SQLITE_FULL)"))
          .noneSatisfy(line -> assertThat(line).contains("no transaction"));
      // Reading goes on while nothing can be written.
      assertThat(engine.rooms().rooms()).extracting(r -> r.room()).contains("full");

      store.limitPages(1_000_000);
      // The room is reloaded from the store after the failed commit; then logins and pushes work.
      Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () -> {
                engine.login("bob", "full", null, null);
                return true;
              });
      LoginResult again = engine.login("ada", "full", null, ada.session());
      engine.append(again.session(), "after the disk was freed");
      assertThat(engine.push(again.session(), false, null).status()).isEqualTo(1);
    }
  }
}
