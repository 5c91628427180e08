package dev.parley.client.chat;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;

/**
 * Where {@code parley chat} reads the person's lines and writes what they read: a terminal with
 * line editing, or plain lines through pipes.
 */
interface Console extends AutoCloseable {
  /**
   * The next line the person entered, without its line break.
   *
   * @return null at the end of the input (on a terminal also Ctrl-D on an empty line, or Ctrl-C)
   */
  String readLine() throws IOException;

  /** Writes a line, or lines, of text at once; on a terminal above the line being typed. */
  void print(String text);

  /** Whether this is a terminal, whose own messages are marked. */
  boolean terminal();

  /** What the input line starts with from now on (a terminal only). */
  default void prompt(String prompt) {}

  @Override
  void close();

  /**
   * A line-editing terminal when standard input and output both are one, else plain lines.
   *
   * @param prompt what the input line starts with
   */
  static Console open(String prompt) {
    if (TerminalConsole.available()) {
      try {
        return new TerminalConsole(prompt);
      } catch (IOException e) {
        // No usable terminal after all (an odd TERM, say): plain lines still work.
      }
    }
    return new Plain();
  }

  /** Plain lines in and out (UTF-8), each flushed at once: what a pipe or a script needs. */
  final class Plain implements Console {
    private final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, UTF_8));
    private final PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, UTF_8));

    @Override
    public String readLine() throws IOException {
      return in.readLine();
    }

    @Override
    public synchronized void print(String text) {
      out.println(text);
      out.flush();
    }

    @Override
    public boolean terminal() {
      return false;
    }

    @Override
    public void close() {
      out.flush();
    }
  }
}
