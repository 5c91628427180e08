package dev.parley.server.cli;

import dev.parley.server.ParleyServer;
import dev.parley.server.log.ConversationLog;
import dev.parley.server.store.DataDirectoryLock;
import dev.parley.server.store.RoomRecord;
import dev.parley.server.store.SessionRecord;
import dev.parley.server.store.SqliteStore;
import dev.parley.server.store.StoredMessage;
import dev.parley.server.store.Write;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code parley rooms}: the rooms of a data directory, listed, or one deleted with its messages,
 * sessions and conversation log. Deleting needs the directory to itself: it takes the daemon's
 * lock, so while a daemon runs it refuses (naming the daemon's pid) and changes nothing.
 */
@Command(
    name = "rooms",
    mixinStandardHelpOptions = true,
    description = "Lists the rooms of a data directory, or deletes one.",
    subcommands = {RoomsCommand.ListRooms.class, RoomsCommand.DeleteRoom.class})
public final class RoomsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Where the data lives, as for {@code parley serve}. */
  static final class DataDir {
    @Option(
        names = "--data-dir",
        defaultValue = "${env:PARLEY_DATA_DIR:-parley-data}",
        description = "The daemon's data directory (PARLEY_DATA_DIR, default ${DEFAULT-VALUE}).")
    Path path;

    boolean hasDatabase() {
      return Files.isRegularFile(path.resolve(SqliteStore.DATABASE));
    }
  }

  /** {@code parley rooms list}: reads only, so it runs beside a daemon as {@code export} does. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "Lists the rooms: name, floor policy, messages, stored sessions and the time of the last message.")
  static final class ListRooms implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Mixin DataDir dataDir = new DataDir();

    @Override
    public Integer call() {
      if (!dataDir.hasDatabase()) {
        spec.commandLine()
            .getErr()
            .println("parley rooms list: no Parley database in " + dataDir.path.toAbsolutePath());
        return 1;
      }
      try (SqliteStore store = SqliteStore.openReadOnly(dataDir.path)) {
        PrintWriter out = spec.commandLine().getOut();
        List<SessionRecord> sessions = store.sessions();
        for (RoomRecord room : store.rooms()) {
          long messages = store.lastSeq(room.name());
          List<StoredMessage> last = store.before(room.name(), messages + 1, 1);
          long inRoom = sessions.stream().filter(s -> s.room().equals(room.name())).count();
          out.println(
              String.join(
                  "\t",
                  room.name(),
                  room.floor().wireName(),
                  messages + " messages",
                  inRoom + " sessions",
                  last.isEmpty() ? "-" : last.get(0).message().timestamp()));
        }
        out.flush();
        return out.checkError() ? 1 : 0;
      }
    }
  }

  /** {@code parley rooms delete NAME}: with the daemon stopped. */
  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description =
          "Deletes a room with its messages, sessions and conversation log. Stop the daemon first.")
  static final class DeleteRoom implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Mixin DataDir dataDir = new DataDir();

    @Parameters(paramLabel = "NAME", description = "The room to delete.")
    String room;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      if (!dataDir.hasDatabase()) {
        err.println("parley rooms delete: no Parley database in " + dataDir.path.toAbsolutePath());
        return 1;
      }
      SqliteStore store;
      try {
        store = SqliteStore.open(dataDir.path);
      } catch (DataDirectoryLock.InUseException e) {
        err.println(
            "parley rooms delete: a Parley daemon (pid "
                + e.holder()
                + ") is running on "
                + e.dir()
                + ": stop the daemon first; nothing was changed");
        return 1;
      }
      try (store) {
        if (store.rooms().stream().map(RoomRecord::name).noneMatch(room::equals)) {
          err.println(
              "parley rooms delete: no room " + room + " in " + dataDir.path.toAbsolutePath());
          return 1;
        }
        long messages = store.lastSeq(room);
        store.commit(List.of(new Write.DeleteRoom(room)));
        Path log = ConversationLog.file(dataDir.path.resolve(ParleyServer.LOGS), room);
        try {
          Files.deleteIfExists(log);
        } catch (IOException e) {
          err.println(
              "parley rooms delete: room "
                  + room
                  + " was deleted, but not its log "
                  + log
                  + ": "
                  + e.getMessage());
          return 1;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("Deleted room " + room + " (" + messages + " messages) and its log");
        out.flush();
        return 0;
      }
    }
  }
}
