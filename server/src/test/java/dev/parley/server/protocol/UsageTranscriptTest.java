package dev.parley.server.protocol;

import dev.parley.server.testing.RpcClient;
import dev.parley.server.testing.RunningServer;
import dev.parley.server.testing.Seed001Transcript;
import org.junit.jupiter.api.Test;

/**
 * The README's usage transcript, played by two HTTP clients: each of claude's calls returns exactly
 * the messages the transcript prints.
 */
class UsageTranscriptTest {

  @Test
  void claudeSeesExactlyWhatTheTranscriptPrints() throws Exception {
    try (RunningServer server = RunningServer.start()) {
      RpcClient chatgpt = server.login("ChatGPT");
      RpcClient claude = server.login("claude");

      Seed001Transcript.play(chatgpt::call, claude::call);
    }
  }
}
