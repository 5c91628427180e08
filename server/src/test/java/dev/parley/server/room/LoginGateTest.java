package dev.parley.server.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.api.AccessDeniedException;
import dev.parley.api.LoginResult;
import dev.parley.server.ServerLimits;
import dev.parley.server.store.MemoryStore;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine asks its login gate for every new session, with the normalised name, before the room
 * exists.
 */
class LoginGateTest {
  private final RoomEngine engine =
      new RoomEngine(
          new MemoryStore(),
          RoomEngine.Options.of(ServerLimits.defaults()).withSweep(false),
          Clock.systemUTC(),
          new FakeTicker(),
          e -> {});
  private final List<String> asked = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    engine.close();
  }

  private LoginGate gate(boolean moderator) {
    return (username, room) -> {
      asked.add(username + "@" + room);
      if (room.equals("closed")) {
        throw new AccessDeniedException(AccessDeniedException.Reason.ROOM, "closed", null);
      }
      return moderator;
    };
  }

  @Test
  void aRefusedLoginMakesNoRoom() {
    assertThatThrownBy(() -> engine.login("ａｄａ", "closed", null, null, gate(false)))
        .isInstanceOf(AccessDeniedException.class);
    assertThat(asked).containsExactly("ada@closed");
    assertThat(engine.rooms().rooms()).isEmpty();
  }

  @Test
  void theGateDecidesWhetherTheSessionIsAModerators() {
    String mod = engine.login("mod", "r", null, null, gate(true)).session();
    String plain = engine.login("plain", "r", null, null, gate(false)).session();
    String open = engine.login("open", "r", null, null).session();
    assertThat(engine.caller(mod)).isEqualTo(new RoomEngine.Caller("mod", "r", true));
    assertThat(engine.caller(plain).moderator()).isFalse();
    assertThat(engine.caller(open).moderator()).isFalse();
    // Without access control, the first login of a room (its creator) moderates it, and only it.
    String creator = engine.login("first", "new-room", null, null).session();
    String second = engine.login("second", "new-room", null, null).session();
    assertThat(engine.caller(creator).moderator()).isTrue();
    assertThat(engine.caller(second).moderator()).isFalse();
    assertThat(engine.caller("no-such-token-at-all-00")).isNull();
  }

  @Test
  void aLiveSessionResumesWithoutTheGateAnEndedOneIsAskedAgain() {
    LoginResult first = engine.login("ada", "r", null, null, gate(true));
    asked.clear();
    LoginGate refuseAll =
        (u, r) -> {
          throw new AccessDeniedException(AccessDeniedException.Reason.UNKNOWN_KEY, "gone", null);
        };
    LoginResult again = engine.login("ada", "r", null, first.session(), refuseAll);
    assertThat(again.resumed()).isTrue();
    assertThat(engine.caller(again.session()).moderator()).isTrue();

    engine.logout(first.session());
    assertThatThrownBy(() -> engine.login("ada", "r", null, first.session(), refuseAll))
        .isInstanceOf(AccessDeniedException.class);
  }
}
