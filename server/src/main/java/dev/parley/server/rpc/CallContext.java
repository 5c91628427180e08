package dev.parley.server.rpc;

/**
 * The bearer token and client address of the call being handled. The transport sets them around
 * each dispatch; the service reads them, since the generated interface carries only the
 * protocol's params.
 */
final class CallContext {
  private record Caller(String bearer, String address) {}

  private static final ThreadLocal<Caller> CALLER = new ThreadLocal<>();

  private CallContext() {}

  static String bearer() {
    Caller caller = CALLER.get();
    return caller == null ? null : caller.bearer();
  }

  /** The client's address, or null for a caller inside the process. */
  static String address() {
    Caller caller = CALLER.get();
    return caller == null ? null : caller.address();
  }

  static void run(String bearer, String address, Runnable call) {
    CALLER.set(new Caller(bearer, address));
    try {
      call.run();
    } finally {
      CALLER.remove();
    }
  }
}
