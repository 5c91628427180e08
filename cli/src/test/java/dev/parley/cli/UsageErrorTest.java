package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.server.store.SqliteStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A wrong command line is answered with the error and a pointer to --help, not the usage. */
class UsageErrorTest {
  @TempDir Path dataDir;

  private record Run(int code, String out, String err) {}

  private static Run parley(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        ParleyCommand.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void aWrongFlagIsTheErrorAndOneLineAboutHelp() {
    Run run = parley("serve", "--prot");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines())
        .containsExactly(
            "parley serve: Unknown option: '--prot'",
            "Try 'parley serve --help' for more information.");
  }

  @Test
  void aWrongFlagOfTheRootCommandPointsAtItsHelp() {
    Run run = parley("--verbose");
    assertThat(run.err().lines())
        .containsExactly(
            "parley: Unknown option: '--verbose'", "Try 'parley --help' for more information.");
  }

  @Test
  void aMissingRequiredOptionIsOneLineToo() {
    Run run = parley("agent", "--name", "sage");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err().lines())
        .containsExactly(
            "parley agent: Missing required option: '--model=<model>'",
            "Try 'parley agent --help' for more information.");
  }

  @Test
  void exportOfAnUnknownRoomIsOneClearLine() {
    SqliteStore.open(dataDir).close();
    Run run = parley("export", "--room", "nosuchroom", "--data-dir", dataDir.toString());
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines())
        .containsExactly("parley export: no room nosuchroom in " + dataDir.toAbsolutePath());
  }

  @Test
  void exportWithoutADatabaseIsOneClearLine() {
    Run run = parley("export", "--room", "release", "--data-dir", dataDir.toString());
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err().lines())
        .containsExactly("parley export: no Parley database in " + dataDir.toAbsolutePath());
  }
}
