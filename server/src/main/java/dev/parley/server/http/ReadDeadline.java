package dev.parley.server.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A deadline for receiving a request: its headers and its body must arrive within the read timeout
 * of its first byte, or the connection is closed (with a 408 when it was still sending headers).
 * Jetty's idle timeout cannot do this alone, since a client that sends a byte every few seconds is
 * never idle, and its minimum request data rate is enforced only for servlets. A request that has
 * arrived whole is not timed here: a long-poll {@code check} waits silently under the connector's
 * idle timeout for requests in progress.
 *
 * <p>The connector's connections are swept a few times per read timeout; each sweep only reads the
 * HTTP parser's state of each connection.
 */
public final class ReadDeadline extends AbstractLifeCycle {
  private static final Logger LOG = LoggerFactory.getLogger(ReadDeadline.class);
  private static final String TIMEOUT_BODY =
      "{\"status\":408,\"error\":\"the request was not received in time\"}";
  private static final byte[] REQUEST_TIMEOUT =
      ("HTTP/1.1 408 Request Timeout\r\n"
              + "Content-Type: application/json\r\nContent-Length: "
              + TIMEOUT_BODY.length()
              + "\r\nConnection: close\r\n\r\n"
              + TIMEOUT_BODY)
          .getBytes(StandardCharsets.US_ASCII);

  private final AbstractConnector connector;
  private final long timeoutNanos;
  private final long sweepMillis;
  private volatile Scheduler.Task next;

  /**
   * @param connector the connector whose connections are timed
   * @param timeout how long a request may take to arrive, from its first byte to its last
   */
  public ReadDeadline(AbstractConnector connector, Duration timeout) {
    this.connector = connector;
    this.timeoutNanos = timeout.toNanos();
    this.sweepMillis = Math.clamp(timeout.toMillis() / 4, 50, 1000);
  }

  @Override
  protected void doStart() {
    schedule();
  }

  @Override
  protected void doStop() {
    Scheduler.Task task = next;
    if (task != null) {
      task.cancel();
    }
  }

  private void schedule() {
    if (isRunning() || isStarting()) {
      next = connector.getScheduler().schedule(this::sweep, sweepMillis, TimeUnit.MILLISECONDS);
    }
  }

  private void sweep() {
    try {
      for (EndPoint endPoint : connector.getConnectedEndPoints()) {
        if (endPoint.getConnection() instanceof HttpConnection http) {
          check(endPoint, http.getParser());
        }
      }
    } finally {
      schedule();
    }
  }

  private void check(EndPoint endPoint, HttpParser parser) {
    boolean headers = parser.inHeaderState();
    if (parser.isStart() || !(headers || parser.inContentState())) {
      return;
    }
    long begin = parser.getBeginNanoTime();
    if (begin == 0 || NanoTime.since(begin) <= timeoutNanos) {
      return;
    }
    LOG.debug(
        "Closing {}: its request did not arrive within the read timeout",
        endPoint.getRemoteSocketAddress());
    if (!headers) {
      // A handler is reading the body: its read fails (quietly: no stack trace in the log for
      // each slow client), and nothing more can be answered.
      endPoint.close(new EofException("request body not received within the read timeout"));
      return;
    }
    try {
      endPoint.write(
          Callback.from(endPoint::close, endPoint::close), ByteBuffer.wrap(REQUEST_TIMEOUT));
    } catch (RuntimeException e) {
      // A write already pending (an earlier 408 the client does not read): no more courtesy.
      endPoint.close(e);
    }
  }
}
