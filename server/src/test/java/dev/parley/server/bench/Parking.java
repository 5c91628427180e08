package dev.parley.server.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.bench.Http.Conn;
import dev.parley.server.bench.Http.Reply;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.http.HttpMethod;

/**
 * The two parties of a wake-up scenario (fan-out, waking 10,000, delivery latency): waiters parked
 * in a room and one waker per room. Parley and the {@link Ceiling} each implement it, so that both
 * are measured by the same client code. Every party has a keep-alive connection of its own that has
 * served a request before it parks, as an agent's has.
 */
abstract class Parking {
  /** What the tables call this side. */
  abstract String name();

  /**
   * A waker of {@code room}: made before the room's waiters, so that its arrival is no news to
   * them.
   */
  abstract Conn waker(Http http, String room);

  /** A waiter in {@code room}, the {@code index}th of the run. */
  abstract Conn waiter(Http http, String room, int index);

  /** After every waiter joined: a waiter catches up with what it was not yet delivered. */
  abstract void settle(Conn waiter);

  /** Parks a waiter: the answer comes with the next wake of its room. */
  abstract CompletableFuture<Reply> park(Conn waiter, String room);

  /** Whether a waiter's answer is the wake that carried {@code text}. */
  abstract boolean woke(Reply reply, String text);

  /** Readies a wake that carries {@code text} (outside the timed part). */
  abstract void arm(Conn waker, String text);

  /** Wakes the room. */
  abstract CompletableFuture<Reply> fire(Conn waker, String room, String text);

  /** How many waiters of the room are parked, asked through its waker. */
  abstract int parked(Conn waker, String room);

  /** Whether an observer frame is the one that shows the wake carrying {@code text}. */
  abstract boolean isWakeFrame(String frame, String text);

  static String quote(String text) {
    try {
      return Http.JSON.writeValueAsString(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parley: sessions that {@code check}, woken by another session's {@code push}. */
  static final class Parley extends Parking {
    private final String store;

    Parley(String store) {
      this.store = store;
    }

    @Override
    String name() {
      return "parley " + store;
    }

    @Override
    Conn waker(Http http, String room) {
      return login(http, "waker-" + room, room);
    }

    @Override
    Conn waiter(Http http, String room, int index) {
      return login(http, "w" + index, room);
    }

    private static Conn login(Http http, String username, String room) {
      Conn c = http.open();
      c.token(
          c.call("login", "{\"username\":\"" + username + "\",\"room\":\"" + room + "\"}")
              .get("session")
              .asText());
      return c;
    }

    @Override
    void settle(Conn waiter) {
      // Each response delivers a bounded batch: call until nothing is left.
      JsonNode delivered;
      do {
        delivered = waiter.call("preview", "{}").get("messages");
      } while (!delivered.isEmpty());
    }

    @Override
    CompletableFuture<Reply> park(Conn waiter, String room) {
      return waiter.rpc("check", "{\"timeout_ms\":60000}");
    }

    @Override
    boolean woke(Reply reply, String text) {
      return reply.status() == 200
          && reply.body().contains(text)
          && reply.result().get("status").asInt() == 1;
    }

    @Override
    void arm(Conn waker, String text) {
      waker.call("append", "{\"text\":" + quote(text) + "}");
    }

    @Override
    CompletableFuture<Reply> fire(Conn waker, String room, String text) {
      return waker.rpc("push", "{\"force\":true}");
    }

    @Override
    int parked(Conn waker, String room) {
      int waiting = 0;
      for (JsonNode p : waker.call("participants", "{}").get("participants")) {
        if (p.get("state").asText().equals("waiting")) {
          waiting++;
        }
      }
      return waiting;
    }

    @Override
    boolean isWakeFrame(String frame, String text) {
      // A cheap filter first: observers receive every call's activity frames too.
      if (!frame.contains(text) || !frame.contains("\"message_id\":")) {
        return false;
      }
      JsonNode f = new Reply(200, frame, 0).json();
      return f.path("type").asText().equals("chat_message")
          && f.path("parsed_content").path("type").asText().equals("chat")
          && f.path("parsed_content").path("content").asText().equals(text);
    }
  }

  /** The ceiling: requests parked on {@code /park}, woken by {@code /wake}. */
  static final class Bare extends Parking {
    private final String name;

    Bare(String name) {
      this.name = name;
    }

    @Override
    String name() {
      return name;
    }

    @Override
    Conn waker(Http http, String room) {
      return http.open();
    }

    @Override
    Conn waiter(Http http, String room, int index) {
      Conn c = http.open();
      c.call("login", "{}");
      return c;
    }

    @Override
    void settle(Conn waiter) {
      waiter.call("preview", "{}");
    }

    @Override
    CompletableFuture<Reply> park(Conn waiter, String room) {
      return waiter.send(HttpMethod.POST, "/park?room=" + room, "{}");
    }

    @Override
    boolean woke(Reply reply, String text) {
      return reply.status() == 200 && reply.body().contains(text);
    }

    @Override
    void arm(Conn waker, String text) {
      // Nothing to prepare: the wake carries its text.
    }

    @Override
    CompletableFuture<Reply> fire(Conn waker, String room, String text) {
      return waker.send(HttpMethod.POST, "/wake?room=" + room, text);
    }

    @Override
    int parked(Conn waker, String room) {
      return Http.await(waker.send(HttpMethod.GET, "/parked?room=" + room, null))
          .json()
          .get("parked")
          .asInt();
    }

    @Override
    boolean isWakeFrame(String frame, String text) {
      return frame.contains(text);
    }
  }
}
