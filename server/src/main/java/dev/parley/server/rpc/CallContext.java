package dev.parley.server.rpc;

/**
 * The bearer token of the call being handled. The transport sets it around each dispatch; the
 * service reads it, since the generated interface carries only the protocol's params.
 */
final class CallContext {
  private static final ThreadLocal<String> BEARER = new ThreadLocal<>();

  private CallContext() {}

  static String bearer() {
    return BEARER.get();
  }

  static void run(String bearer, Runnable call) {
    BEARER.set(bearer);
    try {
      call.run();
    } finally {
      BEARER.remove();
    }
  }
}
