package dev.parley.server;

import dev.parley.api.Limits;
import dev.parley.spec.SpecDocument;
import java.time.Duration;

/**
 * The numbers the server enforces. Every one is configurable (see {@code parley serve --help}) and
 * reported to clients by {@code login}, but the room retention, which concerns the operator.
 *
 * @param appendChars characters kept of one append
 * @param messageChars characters a draft may hold
 * @param bodyBytes largest HTTP request body
 * @param batchCalls most calls in one batch
 * @param checkTimeoutCapMs a longer check timeout is cut to this
 * @param ratePerSecond average calls per second per session; 0 disables the limit
 * @param rateBurst calls a session may make at once above the rate
 * @param sessionTtl a session idle this long (no call, no pending check) expires
 * @param stickHold the talking stick is released this long after its last claim
 * @param loginTail recent messages a new session is given
 * @param historyPage most messages one history call returns
 * @param responseMessages most messages one answer delivers
 * @param responseBytes most bytes of messages one answer carries (a single larger message still
 *     comes, alone)
 * @param doorRatePerSecond average calls per second per client address that reach no live session
 *     ({@code login}, {@code rooms}, a missing, unknown or ended token); 0 disables the limit
 * @param doorBurst such calls a client address may make at once above the rate
 * @param roomRetention a room with no session and no new message for this long is deleted; zero
 *     keeps rooms for ever
 */
public record ServerLimits(
    int appendChars,
    int messageChars,
    int bodyBytes,
    int batchCalls,
    long checkTimeoutCapMs,
    int ratePerSecond,
    int rateBurst,
    Duration sessionTtl,
    Duration stickHold,
    int loginTail,
    int historyPage,
    int responseMessages,
    int responseBytes,
    int doorRatePerSecond,
    int doorBurst,
    Duration roomRetention) {

  /** Fixed by the spec's {@code Username} schema. */
  public static final int USERNAME_CHARS = 32;

  /** Fixed by the spec's {@code push.txn_id} schema. */
  public static final int TXN_ID_CHARS = 64;

  /** The protocol's defaults, as README's "Running the daemon" lists them. */
  public static ServerLimits defaults() {
    return new ServerLimits(
        1000,
        16000,
        256 * 1024,
        50,
        60_000,
        200,
        400,
        Duration.ofMinutes(10),
        Duration.ofSeconds(60),
        20,
        200,
        500,
        1024 * 1024,
        20,
        100,
        Duration.ZERO);
  }

  /** The same limits with another message size. */
  public ServerLimits withMessageChars(int chars) {
    return new ServerLimits(
        appendChars,
        chars,
        bodyBytes,
        batchCalls,
        checkTimeoutCapMs,
        ratePerSecond,
        rateBurst,
        sessionTtl,
        stickHold,
        loginTail,
        historyPage,
        responseMessages,
        responseBytes,
        doorRatePerSecond,
        doorBurst,
        roomRetention);
  }

  /** The same limits with another body size and batch size. */
  public ServerLimits withRequestSize(int maxBodyBytes, int maxBatchCalls) {
    return new ServerLimits(
        appendChars,
        messageChars,
        maxBodyBytes,
        maxBatchCalls,
        checkTimeoutCapMs,
        ratePerSecond,
        rateBurst,
        sessionTtl,
        stickHold,
        loginTail,
        historyPage,
        responseMessages,
        responseBytes,
        doorRatePerSecond,
        doorBurst,
        roomRetention);
  }

  /** The same limits with another cap on check timeouts. */
  public ServerLimits withCheckTimeoutCapMs(long capMs) {
    return new ServerLimits(
        appendChars,
        messageChars,
        bodyBytes,
        batchCalls,
        capMs,
        ratePerSecond,
        rateBurst,
        sessionTtl,
        stickHold,
        loginTail,
        historyPage,
        responseMessages,
        responseBytes,
        doorRatePerSecond,
        doorBurst,
        roomRetention);
  }

  /** The same limits with another rate limit (0: none). */
  public ServerLimits withRate(int perSecond, int burst) {
    return new ServerLimits(
        appendChars,
        messageChars,
        bodyBytes,
        batchCalls,
        checkTimeoutCapMs,
        perSecond,
        burst,
        sessionTtl,
        stickHold,
        loginTail,
        historyPage,
        responseMessages,
        responseBytes,
        doorRatePerSecond,
        doorBurst,
        roomRetention);
  }

  /** The same limits with another session TTL. */
  public ServerLimits withSessionTtl(Duration ttl) {
    return new ServerLimits(
        appendChars,
        messageChars,
        bodyBytes,
        batchCalls,
        checkTimeoutCapMs,
        ratePerSecond,
        rateBurst,
        ttl,
        stickHold,
        loginTail,
        historyPage,
        responseMessages,
        responseBytes,
        doorRatePerSecond,
        doorBurst,
        roomRetention);
  }

  /** The same limits with another talking-stick hold. */
  public ServerLimits withStickHold(Duration hold) {
    return new ServerLimits(
        appendChars,
        messageChars,
        bodyBytes,
        batchCalls,
        checkTimeoutCapMs,
        ratePerSecond,
        rateBurst,
        sessionTtl,
        hold,
        loginTail,
        historyPage,
        responseMessages,
        responseBytes,
        doorRatePerSecond,
        doorBurst,
        roomRetention);
  }

  /**
   * The same limits with another limit on calls per client address that reach no live session (0:
   * none).
   */
  public ServerLimits withDoor(int perSecond, int burst) {
    return new ServerLimits(
        appendChars,
        messageChars,
        bodyBytes,
        batchCalls,
        checkTimeoutCapMs,
        ratePerSecond,
        rateBurst,
        sessionTtl,
        stickHold,
        loginTail,
        historyPage,
        responseMessages,
        responseBytes,
        perSecond,
        burst,
        roomRetention);
  }

  /** The same limits keeping idle rooms for {@code retention} (zero: for ever). */
  public ServerLimits withRoomRetention(Duration retention) {
    return new ServerLimits(
        appendChars,
        messageChars,
        bodyBytes,
        batchCalls,
        checkTimeoutCapMs,
        ratePerSecond,
        rateBurst,
        sessionTtl,
        stickHold,
        loginTail,
        historyPage,
        responseMessages,
        responseBytes,
        doorRatePerSecond,
        doorBurst,
        retention);
  }

  /** The same limits with other caps on what one answer delivers. */
  public ServerLimits withResponse(int messages, int bytes) {
    return new ServerLimits(
        appendChars,
        messageChars,
        bodyBytes,
        batchCalls,
        checkTimeoutCapMs,
        ratePerSecond,
        rateBurst,
        sessionTtl,
        stickHold,
        loginTail,
        historyPage,
        messages,
        bytes,
        doorRatePerSecond,
        doorBurst,
        roomRetention);
  }

  /** As the protocol reports them. */
  public Limits toApi() {
    long checkDefault = SpecDocument.get().paramDefault("check", "timeout_ms").asLong();
    return new Limits(
        appendChars,
        messageChars,
        USERNAME_CHARS,
        TXN_ID_CHARS,
        bodyBytes,
        batchCalls,
        (int) Math.min(checkDefault, checkTimeoutCapMs),
        (int) checkTimeoutCapMs,
        ratePerSecond,
        rateBurst,
        millis(sessionTtl),
        millis(stickHold),
        loginTail,
        historyPage,
        responseMessages,
        responseBytes,
        doorRatePerSecond,
        doorBurst);
  }

  /** The protocol reports durations as 32-bit milliseconds: longer ones read as the largest. */
  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
  }
}
