package dev.parley.agent.llm;

/** The chat-completions endpoint failed, and kept failing after the retries. */
public final class EndpointException extends RuntimeException {
  /**
   * @param message what went wrong, without the API key
   * @param cause the last failure, or null
   */
  public EndpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
