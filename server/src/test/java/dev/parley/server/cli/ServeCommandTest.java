package dev.parley.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.server.ConnectionLimits;
import dev.parley.server.ServerConfig;
import dev.parley.server.ServerLimits;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * {@code parley serve}'s options become the daemon's configuration, and unsafe ones are refused.
 */
class ServeCommandTest {
  private static ServerConfig config(String... args) {
    ServeCommand command = new ServeCommand();
    new CommandLine(command).parseArgs(args);
    return command.config();
  }

  private static String refused(String... args) {
    return assertThatThrownBy(() -> config(args))
        .isInstanceOf(ParameterException.class)
        .actual()
        .getMessage();
  }

  @Test
  void aNodeUrlIsAnHttpAddressAndOnlyBesideADatabase() {
    assertThat(refused("--node-url", "http://10.0.0.5:8891"))
        .isEqualTo("--node-url is for daemons that share a --database: give one, or leave it out");
    assertThat(refused("--database", "postgresql://h/db?user=ada", "--node-url", "ftp://h:21"))
        .isEqualTo("--node-url: not an http:// address with a host: ftp://h:21");
    assertThat(refused("--database", "postgresql://h/db?user=ada", "--node-url", "10.0.0.5:8891"))
        .startsWith("Invalid value for option '--node-url'");
    ServeCommand command = new ServeCommand();
    new CommandLine(command)
        .parseArgs(
            "--database", "postgresql://h/db?user=ada", "--node-url", "http://10.0.0.5:8891");
    command.database.environment = Map.of(DatabaseOption.PASSWORD, "s3cret");
    assertThat(command.config().nodeUrl()).hasToString("http://10.0.0.5:8891");
  }

  @Test
  void aDatabaseUrlIsCheckedAndHoldsNoPasswordWhichComesFromTheEnvironment() {
    assertThat(refused("--database", "mysql://localhost/parley"))
        .isEqualTo(
            "--database: not a PostgreSQL URL: mysql://localhost/parley"
                + " (give postgresql://HOST:PORT/DB?user=NAME)");
    assertThat(refused("--database", "postgresql://localhost:99999999/parley"))
        .startsWith("--database: not a valid PostgreSQL URL");
    assertThat(refused("--database", "postgresql://h/db?user=ada&password=s3cret"))
        .contains("may not hold a password", "PARLEY_DATABASE_PASSWORD", "~/.pgpass")
        .doesNotContain("s3cret");
    assertThat(refused("--database", "postgresql://ada:s3cret@h/db"))
        .contains("may not hold a password")
        .doesNotContain("s3cret");
    assertThat(refused("--database", "postgresql://h/db?user=ada", "--in-memory"))
        .contains("--database and --in-memory exclude each other");

    ServeCommand command = new ServeCommand();
    new CommandLine(command)
        .parseArgs("--database", "jdbc:postgresql://db.lan:5433/parley?user=ada");
    command.database.environment = Map.of(DatabaseOption.PASSWORD, "s3cret");
    ServerConfig config = command.config();
    assertThat(config.database().url()).isEqualTo("postgresql://db.lan:5433/parley?user=ada");
    assertThat(config.database().password()).isEqualTo("s3cret");
    assertThat(config.toString()).doesNotContain("s3cret");
    // The conversation logs stay in the data directory.
    assertThat(config.dataDir()).isNotNull();
    command.database.environment = Map.of();
    assertThat(command.config().database().password()).as("left to ~/.pgpass").isNull();
    assertThat(config().database()).as("SQLite by default").isNull();
  }

  @Test
  void newRoomsPutHumansFirstUnlessTurnedOff() {
    assertThat(config().roomDefaults().humanFirst()).isTrue();
    assertThat(config("--human-first").roomDefaults().humanFirst()).isTrue();
    assertThat(config("--no-human-first").roomDefaults().humanFirst()).isFalse();
  }

  @Test
  void newRoomsHaveAWakeBudgetOfSixtyUnlessConfigured() {
    assertThat(config().roomDefaults().mentionWakesPerMinute()).isEqualTo(60);
    assertThat(config("--mention-wakes-per-minute", "0").roomDefaults().mentionWakesPerMinute())
        .isZero();
    assertThatThrownBy(() -> config("--mention-wakes-per-minute", "-1"))
        .hasMessageContaining("--mention-wakes-per-minute is 0 (no budget) to 1000000, not -1");
  }

  @Test
  void aPublicAddressIsRefusedUnlessAcceptedAsInsecure() {
    for (String host : List.of("0.0.0.0", "::", "")) {
      assertThatThrownBy(() -> config("--host", host))
          .as("--host '%s'", host)
          .isInstanceOf(ParameterException.class)
          .hasMessageContaining("not a loopback address")
          .hasMessageContaining("nothing on this daemon is authenticated")
          .hasMessageContaining("--insecure-public");
    }
    assertThat(config("--host", "0.0.0.0", "--insecure-public").host()).isEqualTo("0.0.0.0");
  }

  @Test
  void loopbackAddressesNeedNoFlag() {
    for (String host : List.of("127.0.0.1", "127.0.0.2", "localhost", "::1")) {
      assertThat(config("--host", host).host()).isEqualTo(host);
    }
  }

  @Test
  void connectionLimitsAndHostNamesAreConfigurable() {
    ServerConfig config =
        config(
            "--allowed-host",
            "parley.lan,chat.example",
            "--max-connections",
            "50",
            "--read-timeout-ms",
            "2000",
            "--idle-timeout-ms",
            "3000");
    assertThat(config.allowedHosts()).containsExactly("parley.lan", "chat.example");
    assertThat(config.connections())
        .isEqualTo(new ConnectionLimits(50, Duration.ofSeconds(2), Duration.ofSeconds(3)));

    ConnectionLimits defaults = config().connections();
    assertThat(defaults.maxConnections())
        .isEqualTo(ConnectionLimits.defaultMaxConnections())
        .isPositive();
    assertThat(defaults.readTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(defaults.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThatThrownBy(() -> config("--read-timeout-ms", "0"))
        .isInstanceOf(ParameterException.class);
  }

  @Test
  void theDoorLimitAndTheRoomRetentionAreConfigurable() {
    ServerLimits defaults = config().limits();
    assertThat(defaults.doorRatePerSecond()).isEqualTo(20);
    assertThat(defaults.doorBurst()).isEqualTo(100);
    assertThat(defaults.roomRetention()).isZero();
    assertThat(defaults).isEqualTo(ServerLimits.defaults());

    ServerLimits set =
        config("--door-rate", "0", "--door-burst", "7", "--room-retention-days", "30").limits();
    assertThat(set.doorRatePerSecond()).isZero();
    assertThat(set.doorBurst()).isEqualTo(7);
    assertThat(set.roomRetention()).isEqualTo(Duration.ofDays(30));
    assertThatThrownBy(() -> config("--door-burst", "0")).isInstanceOf(ParameterException.class);
    assertThatThrownBy(() -> config("--room-retention-days", "-1"))
        .isInstanceOf(ParameterException.class);
  }
}
