package dev.parley.mcp.http;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * A request to {@code /mcp} as the SDK's servlet is given it: the checked message as its body (for
 * a POST), the Accept header in the SDK's terms once it was found acceptable (the SDK looks for the
 * media types literally, wildcards aside), and no {@code Last-Event-ID} (the SDK replays nothing
 * and would leave such a stream open and silent for ever: a fresh stream instead). Its asynchronous
 * context is the {@link GuardedAsync}.
 */
final class GuardedRequest extends HttpServletRequestWrapper {
  private static final String ACCEPT = "Accept";
  private static final String LAST_EVENT_ID = "Last-Event-ID";

  private final byte[] body;
  private final String accept;
  private final GuardedResponse response;
  private boolean async;

  /**
   * @param body the message to give the SDK, or {@code null} for none (GET, DELETE)
   * @param accept the Accept header to give the SDK, or {@code null} for the client's
   */
  GuardedRequest(HttpServletRequest request, byte[] body, String accept, GuardedResponse response) {
    super(request);
    this.body = body;
    this.accept = accept;
    this.response = response;
  }

  /** Whether the SDK answers asynchronously (on an event stream). */
  boolean isAsync() {
    return async;
  }

  @Override
  public String getHeader(String name) {
    if (accept != null && ACCEPT.equalsIgnoreCase(name)) {
      return accept;
    }
    return LAST_EVENT_ID.equalsIgnoreCase(name) ? null : super.getHeader(name);
  }

  @Override
  public Enumeration<String> getHeaders(String name) {
    if (accept != null && ACCEPT.equalsIgnoreCase(name)) {
      return Collections.enumeration(List.of(accept));
    }
    return LAST_EVENT_ID.equalsIgnoreCase(name)
        ? Collections.emptyEnumeration()
        : super.getHeaders(name);
  }

  @Override
  public ServletInputStream getInputStream() {
    ByteArrayInputStream in = new ByteArrayInputStream(body == null ? new byte[0] : body);
    return new ServletInputStream() {
      @Override
      public boolean isFinished() {
        return in.available() == 0;
      }

      @Override
      public boolean isReady() {
        return true;
      }

      @Override
      public void setReadListener(ReadListener listener) {
        throw new IllegalStateException("the body was read already: it is read synchronously");
      }

      @Override
      public int read() {
        return in.read();
      }

      @Override
      public int read(byte[] bytes, int offset, int length) {
        return in.read(bytes, offset, length);
      }
    };
  }

  @Override
  public BufferedReader getReader() {
    return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
  }

  @Override
  public int getContentLength() {
    return body == null ? 0 : body.length;
  }

  @Override
  public long getContentLengthLong() {
    return getContentLength();
  }

  @Override
  public String getCharacterEncoding() {
    return StandardCharsets.UTF_8.name();
  }

  @Override
  public AsyncContext startAsync() {
    async = true;
    return new GuardedAsync(super.startAsync(), response);
  }

  @Override
  public AsyncContext startAsync(ServletRequest request, ServletResponse servletResponse) {
    async = true;
    return new GuardedAsync(super.startAsync(request, servletResponse), response);
  }
}
