package dev.parley.viewer.frames;

/** A log line that is not a JSON object with a textual {@code user} and {@code content}. */
public final class MalformedLineException extends Exception {
  /**
   * @param detail what is wrong with the line
   */
  public MalformedLineException(String detail) {
    super(detail);
  }
}
