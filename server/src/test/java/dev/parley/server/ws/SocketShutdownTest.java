package dev.parley.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.server.testing.RawSocket;
import dev.parley.server.testing.RunningServer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A daemon that stops tells each socket so, with 1001 and a reason, before it goes: a client that
 * only listens would otherwise keep waiting on a connection the stopped server may never end.
 */
class SocketShutdownTest {
  @Test
  void stoppingClosesEverySocketWithGoingAwayAndAReason() throws Exception {
    RunningServer server = RunningServer.start();
    try (RawSocket socket = RawSocket.open(server.uri(), "/rpc/ws", 64 * 1024)) {
      socket.sendText(
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"login\","
              + "\"params\":{\"username\":\"listener\",\"room\":\"stop\",\"subscribe\":true}}");
      // The login's answer first (pings and presence may come before it): bound and subscribed.
      boolean answered = false;
      while (!answered) {
        RawSocket.Frame f = socket.next();
        assertThat(f).as("the login's answer").isNotNull();
        answered = f.opcode() == RawSocket.TEXT && f.text().contains("\"id\":1");
      }
      CompletableFuture<RawSocket.Frame> close =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  for (RawSocket.Frame f = socket.next(); f != null; f = socket.next()) {
                    if (f.opcode() == RawSocket.CLOSE) {
                      return f;
                    }
                  }
                  return null;
                } catch (java.io.IOException e) {
                  return null;
                }
              });
      server.close();
      RawSocket.Frame frame = close.get(30, TimeUnit.SECONDS);
      assertThat(frame).as("a close frame before the connection ends").isNotNull();
      assertThat(frame.closeCode()).isEqualTo(1001);
      assertThat(frame.closeReason()).isEqualTo("the daemon is stopping");
    } finally {
      server.close();
    }
  }
}
