package dev.parley.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.server.ServerConfig;
import dev.parley.server.auth.AccessKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** {@code parley keys} and {@code parley serve --auth keys}: the keys file as its users meet it. */
class KeysCommandTest {
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private static Run keys(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        new CommandLine(new KeysCommand())
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void addListRemoveRoundTrip() {
    String file = dir.resolve("sub/keys.json").toString();
    Run added = keys("add", "alice", "--rooms", "release,lobby", "--observe", "--keys-file", file);
    assertThat(added.code()).isZero();
    String key = added.out().trim();
    assertThat(key).startsWith("pk_").matches("pk_[A-Za-z0-9_-]{43}");
    assertThat(keys("add", "bots", "--rooms", "*", "--moderator", "--keys-file", file).code())
        .isZero();

    Run listed = keys("list", "--keys-file", file);
    assertThat(listed.out())
        .isEqualTo("alice\trooms=release,lobby\tobserve\nbots\trooms=*\tmoderator\n");
    assertThat(listed.out()).doesNotContain(key);
    AccessKeys.Key alice = AccessKeys.read(Path.of(file)).get(0);
    assertThat(alice.name()).isEqualTo("alice");
    assertThat(alice.observe()).isTrue();
    assertThat(listed.out()).doesNotContain(alice.sha256());

    Run again = keys("add", "alice", "--rooms", "x", "--keys-file", file);
    assertThat(again.code()).isNotZero();
    assertThat(again.err()).contains("already has a key named alice");

    assertThat(keys("remove", "alice", "--keys-file", file).code()).isZero();
    assertThat(keys("list", "--keys-file", file).out()).isEqualTo("bots\trooms=*\tmoderator\n");
    assertThat(keys("remove", "alice", "--keys-file", file).err()).contains("no key named alice");
  }

  @Test
  void theDefaultFileIsInTheDataDirectory() {
    assertThat(keys("add", "ann", "--rooms", "lobby", "--data-dir", dir.toString()).code())
        .isZero();
    assertThat(dir.resolve(AccessKeys.FILE)).exists();
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs("--auth", "keys", "--data-dir", dir.toString());
    ServerConfig config = serve.config();
    assertThat(serve.keysFile(config)).isEqualTo(dir.resolve(AccessKeys.FILE));
  }

  @Test
  void badNamesAndRoomsAreRefused() {
    String file = dir.resolve("keys.json").toString();
    assertThat(keys("add", "a/b", "--rooms", "x", "--keys-file", file).err()).contains("name");
    assertThat(keys("add", "ann", "--rooms", "Not A Room", "--keys-file", file).err())
        .contains("neither a room name nor *");
    assertThat(Path.of(file)).doesNotExist();
  }

  private String refusal(String content) throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, content);
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve)
        .parseArgs("--auth", "keys", "--in-memory", "--keys-file", file.toString());
    try {
      serve.call();
    } catch (IllegalStateException e) {
      assertThat(e.getMessage())
          .startsWith("The keys file " + file.toAbsolutePath())
          .doesNotContain("\n");
      return e.getMessage();
    }
    throw new AssertionError("the daemon started with " + content);
  }

  @Test
  void aBadKeysFileStopsTheStartWithOneSentence() throws Exception {
    String hash = "a".repeat(64);
    assertThat(refusal("{\"keys\": [\n  {\"name\": \"a\",, }\n]}"))
        .contains("not valid JSON at line 2, column");
    assertThat(refusal("[]")).contains("\"keys\" array");
    assertThat(refusal("{\"keys\": [{\"key_sha256\": \"" + hash + "\", \"rooms\": []}]}"))
        .contains("entry 1 has no \"name\"");
    assertThat(refusal("{\"keys\": [{\"name\": \"ann\", \"rooms\": []}]}"))
        .contains("entry 1 (ann) has no \"key_sha256\"");
    assertThat(
            refusal(
                "{\"keys\": [{\"name\": \"ann\", \"key_sha256\": \""
                    + hash
                    + "\", \"rooms\": []},"
                    + " {\"name\": \"ann\", \"key_sha256\": \""
                    + "b".repeat(64)
                    + "\", \"rooms\": []}]}"))
        .contains("entry 2 (ann)")
        .contains("taken by an earlier entry");
    assertThat(
            refusal(
                "{\"keys\": [{\"name\": \"ann\", \"key_sha256\": \""
                    + hash
                    + "\", \"room\": [\"x\"]}]}"))
        .contains("unknown field \"room\"");
    assertThat(
            refusal(
                "{\"keys\": [{\"name\": \"ann\", \"key_sha256\": \""
                    + hash
                    + "\", \"rooms\": [\"x\"],"
                    + " \"observe\": \"yes\"}]}"))
        .contains("\"observe\" must be true or false");
  }

  @Test
  void aMissingFileAndMissingFlagsAreRefused() throws Exception {
    ServeCommand serve = new ServeCommand();
    Path missing = dir.resolve("none.json");
    new CommandLine(serve)
        .parseArgs("--auth", "keys", "--in-memory", "--keys-file", missing.toString());
    assertThatThrownBy(serve::call)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("does not exist")
        .hasMessageContaining("parley keys add");

    ServeCommand inMemory = new ServeCommand();
    new CommandLine(inMemory).parseArgs("--auth", "keys", "--in-memory");
    assertThatThrownBy(inMemory::config)
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--keys-file");
    ServeCommand badMode = new ServeCommand();
    new CommandLine(badMode).parseArgs("--auth", "passwords");
    assertThatThrownBy(badMode::config)
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("none or keys");
  }

  @Test
  void withKeysAPublicAddressNeedsNoInsecureFlag() {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve)
        .parseArgs("--host", "0.0.0.0", "--auth", "keys", "--data-dir", dir.toString());
    assertThat(serve.config().host()).isEqualTo("0.0.0.0");
    ServeCommand open = new ServeCommand();
    new CommandLine(open).parseArgs("--host", "0.0.0.0");
    assertThatThrownBy(open::config).hasMessageContaining("--auth keys");
  }
}
