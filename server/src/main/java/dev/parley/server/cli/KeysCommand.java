package dev.parley.server.cli;

import dev.parley.server.auth.AccessKeys;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code parley keys}: the access keys of {@code parley serve --auth keys}. A running daemon
 * notices the changes within a second; the file holds only each key's SHA-256.
 */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description =
        "Manages the access keys of `parley serve --auth keys`; a running daemon picks changes up itself.",
    subcommands = {KeysCommand.Add.class, KeysCommand.ListKeys.class, KeysCommand.Remove.class})
public final class KeysCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Where the keys file is: as {@code parley serve} finds it. */
  static final class FileOptions {
    @Option(
        names = "--keys-file",
        defaultValue = "${env:PARLEY_KEYS_FILE}",
        paramLabel = "PATH",
        description = "The keys file (PARLEY_KEYS_FILE, default <data-dir>/keys.json).")
    Path keysFile;

    @Option(
        names = "--data-dir",
        defaultValue = "${env:PARLEY_DATA_DIR:-parley-data}",
        description = "The daemon's data directory (PARLEY_DATA_DIR, default ${DEFAULT-VALUE}).")
    Path dataDir;

    Path file() {
      return keysFile != null ? keysFile : dataDir.resolve(AccessKeys.FILE);
    }
  }

  /** {@code parley keys add}: makes a key and prints it, once. */
  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description =
          "Makes a new access key, stores its SHA-256 and prints the key: the only time it is shown.")
  static final class Add implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(
        index = "0",
        paramLabel = "NAME",
        description = "The key's name: it logs in as NAME or as NAME/<anything>.")
    String name;

    @Option(
        names = "--rooms",
        required = true,
        split = ",",
        paramLabel = "ROOM",
        description = "The rooms it may join, e.g. release,lobby; '*' for every room.")
    List<String> rooms;

    @Option(
        names = "--observe",
        description = "It may also watch its rooms in the viewer (/observe).")
    boolean observe;

    @Option(
        names = "--moderator",
        description =
            "Its sessions moderate the rooms they are in: mute, unmute, remove, pause, resume,"
                + " continue.")
    boolean moderator;

    @picocli.CommandLine.Mixin FileOptions where = new FileOptions();

    @Override
    public Integer call() {
      Path file = where.file();
      String key;
      try {
        key = AccessKeys.add(file, name, rooms, observe, moderator);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(key);
      out.flush();
      spec.commandLine()
          .getErr()
          .println(
              "Added the key "
                  + name
                  + " to "
                  + file.toAbsolutePath()
                  + ". Keep it now: it is not stored, only its hash.");
      return 0;
    }
  }

  /** {@code parley keys list}: names and rights, never hashes. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists the keys: names and rights.")
  static final class ListKeys implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Mixin FileOptions where = new FileOptions();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      for (AccessKeys.Key k : AccessKeys.read(where.file())) {
        out.println(
            k.name()
                + "\trooms="
                + String.join(",", k.rooms())
                + (k.observe() ? "\tobserve" : "")
                + (k.moderator() ? "\tmoderator" : ""));
      }
      out.flush();
      return 0;
    }
  }

  /** {@code parley keys remove}: the key can no longer be used. */
  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description =
          "Removes a key: it can no longer log in, observe or use /mcp (live sessions run out their TTL).")
  static final class Remove implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The key's name.")
    String name;

    @picocli.CommandLine.Mixin FileOptions where = new FileOptions();

    @Override
    public Integer call() {
      if (!AccessKeys.remove(where.file(), name)) {
        throw new ParameterException(
            spec.commandLine(), "no key named " + name + " in " + where.file().toAbsolutePath());
      }
      spec.commandLine().getErr().println("Removed the key " + name + ".");
      return 0;
    }
  }
}
