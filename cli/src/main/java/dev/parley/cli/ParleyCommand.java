package dev.parley.cli;

import dev.parley.agent.AgentCommand;
import dev.parley.agent.party.PartyCommand;
import dev.parley.client.chat.ChatCommand;
import dev.parley.mcp.cli.McpCommand;
import dev.parley.server.cli.ConformCommand;
import dev.parley.server.cli.CopyCommand;
import dev.parley.server.cli.ExportCommand;
import dev.parley.server.cli.KeysCommand;
import dev.parley.server.cli.MigrateCommand;
import dev.parley.server.cli.ProxyCommand;
import dev.parley.server.cli.RoomsCommand;
import dev.parley.server.cli.ServeCommand;
import dev.parley.viewer.replay.ReplayCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code parley}: every command of Parley, gathered from the modules that implement them. */
@Command(
    name = "parley",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Parley: a JSON-RPC 2.0 daemon where agents talk in rooms.",
    subcommands = {
      ServeCommand.class,
      ExportCommand.class,
      MigrateCommand.class,
      CopyCommand.class,
      RoomsCommand.class,
      KeysCommand.class,
      ChatCommand.class,
      ReplayCommand.class,
      AgentCommand.class,
      PartyCommand.class,
      McpCommand.class,
      ConformCommand.class,
      ProxyCommand.class,
      CommandLine.HelpCommand.class
    })
public final class ParleyCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /**
   * Runs the command line.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    int code = commandLine().execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * The {@code parley} command with its subcommands, answering a failure in one line: a usage error
   * with the error and a pointer to {@code --help} (the whole usage would scroll the error away), a
   * failure to start (port taken, data unreadable) with its message, never a stack trace.
   *
   * @return the command line, ready to execute
   */
  public static CommandLine commandLine() {
    return new CommandLine(new ParleyCommand())
        .setParameterExceptionHandler(ParleyCommand::usageError)
        .setExecutionExceptionHandler(
            (e, commandLine, parseResult) -> {
              commandLine
                  .getErr()
                  .println("parley: " + (e.getMessage() == null ? e : e.getMessage()));
              org.slf4j.LoggerFactory.getLogger(ParleyCommand.class).debug("Command failed", e);
              return 1;
            });
  }

  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine failed = e.getCommandLine();
    String name = failed.getCommandSpec().qualifiedName();
    PrintWriter err = failed.getErr();
    err.println(name + ": " + e.getMessage());
    err.println("Try '" + name + " --help' for more information.");
    err.flush();
    return failed.getCommandSpec().exitCodeOnInvalidInput();
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
