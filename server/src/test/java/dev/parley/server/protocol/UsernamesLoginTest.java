package dev.parley.server.protocol;

import static dev.parley.server.testing.RpcClient.lines;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.testing.Daemon;
import dev.parley.server.testing.RpcClient;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Logins under names that would mislead a reader, over real HTTP: refused (-32602 naming {@code
 * /username}) when the name itself hides or disguises something, taken (40011) when it passes for a
 * participant's name or for {@code system}.
 */
class UsernamesLoginTest {
  @RegisterExtension static final Daemon server = Daemon.withDefaults();

  /** In the room every refused login asks for: it must hear of nobody joining. */
  private static RpcClient watcher;

  @BeforeAll
  static void start() throws Exception {
    watcher = server.login("watcher", "refusals");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ali\u200Dce", // zero-width joiner
        "\u200Balice", // zero-width space
        "alice\u2060", // word joiner
        "\u202Eecila", // right-to-left override
        "alice\u2066", // left-to-right isolate
        "al\u00ADice", // soft hyphen
        "alice\uFE0F", // variation selector
        "system ", // trailing space
        " alice", // leading space
        "alice\u00A0", // trailing no-break space, a space once normalised
        "   ", // all spaces
        "\u3000\u3000", // ideographic spaces
        "\u2800", // braille blank
        "ali  ce", // two spaces in a row
        "ali\u2028ce", // line separator
        "\u0085alice", // next line, a C1 control
        "\u0301alice", // a combining mark with nothing to sit on
        "\uE000alice", // private use
        "\u0430lice", // Cyrillic a among Latin letters
        "ѕystem", // Cyrillic dze for s
        "pay\u0440al", // Cyrillic er for p
      })
  void aNameThatHidesOrDisguisesSomethingIsRefusedInPlainWords(String username) {
    JsonNode error =
        server.client().error("login", Map.of("username", username, "room", "refusals"), -32602);
    assertThat(error.at("/data/pointer").asText()).isEqualTo("/username");
    assertThat(error.at("/data/detail").asText()).startsWith("a username ");
    JsonNode participants = watcher.call("participants");
    assertThat(participants.get("participants").findValuesAsText("username"))
        .containsExactly("watcher");
    assertThat(lines(participants)).isEmpty();
  }

  @Test
  void theRefusalSaysWhatIsWrong() {
    assertThat(detail("ali\u200Dce"))
        .isEqualTo("a username may not contain the invisible character U+200D");
    assertThat(detail("\u202Eecila"))
        .isEqualTo("a username may not contain the bidirectional control U+202E");
    assertThat(detail("system ")).isEqualTo("a username may not start or end with a space");
    assertThat(detail("\u0430lice")).contains("Cyrillic and Latin").contains("one word");
  }

  @Test
  void fullwidthFormsAreNormalisedAndTheSessionKeepsTheNormalForm() {
    JsonNode login =
        server.client().call("login", Map.of("username", "ａｌｉｃｅ", "room", "fullwidth"));
    assertThat(login.get("username").asText()).isEqualTo("alice");
    assertThat(login.get("participants").findValuesAsText("username")).containsExactly("alice");
    RpcClient alice = server.client().withSession(login.get("session").asText());
    RpcClient bob = server.login("bob", "fullwidth");
    assertThat(lines(alice.call("preview"))).containsExactly("system: bob has joined");
    // The original, and any other form of it, is now taken.
    server.client().error("login", Map.of("username", "alice", "room", "fullwidth"), 40011);
    server.client().error("login", Map.of("username", "ａｌｉｃｅ", "room", "fullwidth"), 40011);
    assertThat(lines(bob.call("participants"))).isEmpty();
    // A no-break space inside a name is a plain space once normalised.
    assertThat(
            server
                .client()
                .call("login", Map.of("username", "ann\u00A0lee", "room", "fullwidth"))
                .get("username")
                .asText())
        .isEqualTo("ann lee");
  }

  @Test
  void lookalikesOfAParticipantAreTaken() {
    server.login("alice", "lookalikes");
    server.login("ace", "lookalikes");
    for (String lookalike :
        new String[] {"ALICE", "aIice", "a1ice", "ᎪᏞᎥᏟᎬ", "\u0430\u0441\u0435"}) {
      JsonNode taken =
          server
              .client()
              .error("login", Map.of("username", lookalike, "room", "lookalikes"), 40011);
      assertThat(taken.at("/data/room").asText()).isEqualTo("lookalikes");
    }
    // In another room, or once alice has gone, the name is free.
    server.login("aIice", "elsewhere");
    assertThat(
            server
                .login("bob", "lookalikes")
                .call("participants")
                .get("participants")
                .findValuesAsText("username"))
        .containsExactly("alice", "ace", "bob");
  }

  @Test
  void aLookalikeIsFreeOnceTheParticipantHasLeft() {
    RpcClient alice = server.login("alice", "left");
    server.client().error("login", Map.of("username", "aIice", "room", "left"), 40011);
    alice.call("logout");
    assertThat(server.login("aIice", "left").username()).isEqualTo("aIice");
  }

  @Test
  void systemIsReservedInEveryDisguise() {
    for (String disguise :
        new String[] {"system", "SYSTEM", "System", "ｓｙｓｔｅｍ", "systern", "Systern"}) {
      JsonNode taken =
          server.client().error("login", Map.of("username", disguise, "room", "reserved"), 40011);
      assertThat(taken.at("/data/room").asText()).isEqualTo("reserved");
    }
  }

  @Test
  void namesInOneScriptPerWordAndEmojiAreWelcome() {
    for (String name :
        new String[] {
          "Иван",
          "Δέλτα",
          "田中さん",
          "claude-помощник",
          "José",
          "Zoë",
          "🤖",
          "bot 🤖",
          "gpt-4o",
          "عمر",
          "नमस्ते",
          "Claude Code"
        }) {
      JsonNode login = server.client().call("login", Map.of("username", name, "room", "welcome"));
      assertThat(login.get("username").asText()).isEqualTo(name);
    }
  }

  @Test
  void resumeFindsTheSessionUnderAnyFormOfItsName() {
    RpcClient alice = server.login("alice", "resume-forms");
    JsonNode resumed =
        server
            .client()
            .call(
                "login",
                Map.of("username", "ａｌｉｃｅ", "room", "resume-forms", "resume", alice.session()));
    assertThat(resumed.get("resumed").asBoolean()).isTrue();
    assertThat(resumed.get("username").asText()).isEqualTo("alice");
  }

  private static String detail(String username) {
    return server
        .client()
        .error("login", Map.of("username", username, "room", "details"), -32602)
        .at("/data/detail")
        .asText();
  }
}
