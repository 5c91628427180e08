package dev.parley.server.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.net.URL;
import org.junit.jupiter.api.Test;

/**
 * The daemon's logging configuration, as {@code parley serve} loads it: at {@code
 * PARLEY_LOG_LEVEL=DEBUG} everything of ours is at debug, but not the libraries whose debug lines
 * hold whole messages (access keys, session tokens).
 */
class LogConfigTest {
  @Test
  void debugLevelKeepsTheMessageLoggingLibrariesAtInfo() throws Exception {
    URL config = LogConfigTest.class.getClassLoader().getResource("logback.xml");
    assertThat(config).isNotNull();
    LoggerContext context = new LoggerContext();
    context.putProperty("PARLEY_LOG_LEVEL", "DEBUG");
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(config);
    try {
      assertThat(context.getLogger("dev.parley.server.room.RoomEngine").isDebugEnabled()).isTrue();
      assertThat(context.getLogger("com.googlecode.jsonrpc4j.JsonRpcBasicServer").isDebugEnabled())
          .isFalse();
      assertThat(
              context.getLogger("io.modelcontextprotocol.server.McpAsyncServer").isDebugEnabled())
          .isFalse();
    } finally {
      context.stop();
    }
  }
}
