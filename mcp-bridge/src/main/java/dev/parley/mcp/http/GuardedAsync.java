package dev.parley.mcp.http;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

/**
 * The asynchronous context of an event stream the SDK answers on: before the SDK completes it, the
 * stream gets its request's answer if the SDK gave none; once it has ended, for whatever reason
 * (completed, the client gone, timed out), the stream is told.
 */
final class GuardedAsync implements AsyncContext {
  private final AsyncContext context;
  private final GuardedResponse response;

  GuardedAsync(AsyncContext context, GuardedResponse response) {
    this.context = context;
    this.response = response;
    context.addListener(
        new AsyncListener() {
          @Override
          public void onComplete(AsyncEvent event) {
            response.streamEnded();
          }

          @Override
          public void onTimeout(AsyncEvent event) {
            response.streamEnded();
          }

          @Override
          public void onError(AsyncEvent event) {
            response.streamEnded();
          }

          @Override
          public void onStartAsync(AsyncEvent event) {
            // Nothing: the listener stays with this context.
          }
        });
  }

  @Override
  public void complete() {
    try {
      response.answerIfUnanswered();
    } finally {
      context.complete();
    }
  }

  @Override
  public ServletRequest getRequest() {
    return context.getRequest();
  }

  @Override
  public ServletResponse getResponse() {
    return context.getResponse();
  }

  @Override
  public boolean hasOriginalRequestAndResponse() {
    return context.hasOriginalRequestAndResponse();
  }

  @Override
  public void dispatch() {
    context.dispatch();
  }

  @Override
  public void dispatch(String path) {
    context.dispatch(path);
  }

  @Override
  public void dispatch(ServletContext servletContext, String path) {
    context.dispatch(servletContext, path);
  }

  @Override
  public void start(Runnable run) {
    context.start(run);
  }

  @Override
  public void addListener(AsyncListener listener) {
    context.addListener(listener);
  }

  @Override
  public void addListener(
      AsyncListener listener, ServletRequest request, ServletResponse response) {
    context.addListener(listener, request, response);
  }

  @Override
  public <T extends AsyncListener> T createListener(Class<T> type) throws ServletException {
    return context.createListener(type);
  }

  @Override
  public void setTimeout(long timeout) {
    context.setTimeout(timeout);
  }

  @Override
  public long getTimeout() {
    return context.getTimeout();
  }
}
