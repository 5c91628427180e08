package dev.parley.server.rpc;

/** Hears every call the endpoint answered, on the caller's thread: it must be quick. */
@FunctionalInterface
public interface CallObserver {
  /**
   * One call was answered.
   *
   * @param method the method called; {@link JsonRpcEndpoint#UNKNOWN} for a name the spec does not
   *     define, {@link JsonRpcEndpoint#INVALID} for a request refused before naming one
   * @param error the JSON-RPC error code it was answered with, or null for a result
   * @param nanos how long it took to answer, waiting included (a check's long poll)
   */
  void called(String method, Integer error, long nanos);
}
