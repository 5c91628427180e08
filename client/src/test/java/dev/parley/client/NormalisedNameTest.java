package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.server.testing.RunningServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A name the server normalises (fullwidth letters become ASCII under NFKC) is known to the clients
 * in the server's form, which is the one its messages and the talking stick carry.
 */
class NormalisedNameTest {
  private static final String FULLWIDTH_ADA = "\uff41\uff44\uff41";

  @Test
  void theJavaClientKnowsItselfByTheNameTheServerGaveBack() throws Exception {
    try (RunningServer server = RunningServer.start();
        AsyncChatRoom ada = new AsyncChatRoom(server.uri(), FULLWIDTH_ADA, "names")) {
      assertThat(ada.username()).isEqualTo("ada");
      assertThat(ada.talkingStick()).isEqualTo("[you have the talking stick]");
    }
  }

  @Test
  void thePythonClientKnowsItselfByTheNameTheServerGaveBack() throws Exception {
    try (RunningServer server = RunningServer.start();
        PythonScript ada =
            PythonScript.run(
                "normalised.py", server.uri(), FULLWIDTH_ADA, Map.of("PARLEY_ROOM", "names"))) {
      assertThat(ada.until("done")).containsExactly("ada", "[you have the talking stick]");
    }
  }
}
