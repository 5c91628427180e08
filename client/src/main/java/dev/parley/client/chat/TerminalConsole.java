package dev.parley.client.chat;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.terminal.spi.SystemStream;
import org.jline.terminal.spi.TerminalProvider;

/**
 * The person's terminal, through JLine: the input line has editing keys and a history (the arrows,
 * Ctrl-A/E, Ctrl-R, Ctrl-L to clear the screen, ...), and what arrives meanwhile is printed above
 * it, so an incoming message never breaks the line being typed.
 */
final class TerminalConsole implements Console {
  /**
   * JLine's exec provider: it needs no native library (so no native-access warning either) and
   * works on every POSIX terminal.
   */
  private static final String PROVIDER = "exec";

  private final Terminal terminal;
  private final LineReader reader;
  private volatile String prompt;

  TerminalConsole(String prompt) throws IOException {
    this.prompt = prompt;
    this.terminal =
        TerminalBuilder.builder()
            .system(true)
            .provider(PROVIDER)
            .encoding(UTF_8)
            // Ctrl-C reaches the reader as an interruption: the chat leaves as on /quit.
            .nativeSignals(true)
            .build();
    this.reader =
        LineReaderBuilder.builder()
            .terminal(terminal)
            .appName("parley")
            // A chat line is text: no quotes to close, no escapes, no !-history expansion.
            .parser(new DefaultParser().quoteChars(new char[0]).escapeChars(new char[0]))
            .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
            .option(LineReader.Option.INSERT_TAB, true)
            .build();
    // Between two lines (while a call runs) keys typed ahead wait for the reader unechoed, instead
    // of the terminal echoing them in front of the next input line. Closing restores the terminal.
    terminal.enterRawMode();
  }

  /** Whether standard input and output both are a terminal (not a pipe, not TERM=dumb). */
  static boolean available() {
    if ("dumb".equals(System.getenv("TERM"))) {
      return false;
    }
    try {
      TerminalProvider provider = TerminalProvider.load(PROVIDER);
      return provider.isSystemStream(SystemStream.Input)
          && provider.isSystemStream(SystemStream.Output);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public String readLine() {
    try {
      return reader.readLine(prompt);
    } catch (EndOfFileException | UserInterruptException e) {
      return null;
    }
  }

  @Override
  public void print(String text) {
    reader.printAbove(text);
  }

  @Override
  public boolean terminal() {
    return true;
  }

  @Override
  public void prompt(String prompt) {
    this.prompt = prompt;
  }

  @Override
  public void close() {
    try {
      terminal.close();
    } catch (IOException e) {
      // The terminal is left as it is: nothing more can be done about it on the way out.
    }
  }
}
