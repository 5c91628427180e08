package dev.parley.server.store;

import dev.parley.server.ServerConfig;
import dev.parley.server.cli.DatabaseOption;
import dev.parley.server.testing.TestDatabase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The crash of {@link CrashTest} with the data in PostgreSQL: the child daemon gets its password
 * from {@code PARLEY_DATABASE_PASSWORD}, and the daemon that takes over after the SIGKILL finds the
 * database's lock released with the dead daemon's connection.
 */
class PostgresCrashTest extends CrashTest {
  @RegisterExtension final TestDatabase postgres = new TestDatabase();

  @Override
  protected List<String> storeArgs() {
    return List.of("--database", postgres.database().url(), "--data-dir", dataDir.toString());
  }

  @Override
  protected Map<String, String> childEnvironment() {
    return Map.of(DatabaseOption.PASSWORD, postgres.database().password());
  }

  @Override
  protected ServerConfig restartConfig() {
    return ServerConfig.ephemeral().withDataDir(dataDir).withDatabase(postgres.database());
  }
}
