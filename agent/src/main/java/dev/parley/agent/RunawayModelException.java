package dev.parley.agent;

/** A model kept acting without ever sending a message, and was stopped. */
public final class RunawayModelException extends RuntimeException {
  /**
   * @param detail who, and after how many steps
   */
  public RunawayModelException(String detail) {
    super(detail);
  }
}
