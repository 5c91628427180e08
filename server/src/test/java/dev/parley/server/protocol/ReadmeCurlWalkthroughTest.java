package dev.parley.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's curl walkthrough, its commands read from README.md itself, run by bash against a
 * real daemon, twice in a row: it must run again as it stands (it logs out at its end).
 */
public class ReadmeCurlWalkthroughTest {
  private static final Path README = Path.of("..", "README.md");
  private static final Pattern SH_BLOCK = Pattern.compile("```sh\n(.*?)```", Pattern.DOTALL);

  private record Run(int code, List<String> out, String err) {}

  /** The shell blocks of the section "A conversation with curl", in order. */
  public static String walkthrough() throws IOException {
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    int start = readme.indexOf("\n## A conversation with curl");
    assertThat(start).as("the README's curl section").isPositive();
    int end = readme.indexOf("\n## ", start + 1);
    Matcher blocks = SH_BLOCK.matcher(readme.substring(start, end));
    StringBuilder script = new StringBuilder();
    while (blocks.find()) {
      script.append(blocks.group(1)).append('\n');
    }
    return script.toString();
  }

  private static Run bash(String script) throws Exception {
    Process p =
        new ProcessBuilder("bash", "-e", "-c", script)
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out.lines().toList(), err);
  }

  private static List<JsonNode> answers(Run run) {
    List<JsonNode> answers = new ArrayList<>();
    for (String line : run.out()) {
      answers.add(RpcClient.parse(line));
    }
    return answers;
  }

  @Test
  void theWalkthroughRunsTwiceAsItStands() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      String script =
          walkthrough()
              .replace("http://127.0.0.1:8890", server.uri().toString().replaceAll("/$", ""));
      assertThat(script).contains("logout").doesNotContain("8890");
      for (int round = 1; round <= 2; round++) {
        Run run = bash(script);
        assertThat(run.err()).as("round %d", round).isEmpty();
        assertThat(run.code()).as("round %d", round).isZero();
        List<JsonNode> answers = answers(run);
        // The one error the walkthrough shows on purpose: alice pushes an empty draft.
        assertThat(
                answers.stream().filter(a -> a.has("error")).map(a -> a.at("/error/code").asInt()))
            .as("round %d: %s", round, run.out())
            .containsExactly(40001);
        JsonNode bobsPush = answers.get(3);
        assertThat(bobsPush.at("/result/interrupted").asBoolean()).as("round %d", round).isTrue();
        assertThat(answers.subList(answers.size() - 2, answers.size()))
            .allSatisfy(a -> assertThat(a.at("/result/status").asInt()).isEqualTo(1));
      }
      // Nobody is left holding a name.
      assertThat(server.client().call("rooms", Map.of()).at("/rooms/0/participants").asInt())
          .isZero();
    }
  }

  @Test
  void aFailedLoginSaysSoInsteadOfKeepingTheErrorAsTheToken() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      server.login("alice", "release");
      String base = server.uri().toString().replaceAll("/$", "");
      String script = walkthrough().replace("http://127.0.0.1:8890", base);
      String helpers = script.substring(0, script.indexOf("ALICE=$(login alice)"));
      Run run = bash(helpers + "ALICE=$(login alice)\necho \"token: $ALICE\"\n");
      assertThat(run.code()).isNotZero();
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).startsWith("login as alice failed: ").contains("40011");
    }
  }
}
