package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.api.LoginResult;
import dev.parley.api.Message;
import dev.parley.api.MessagesNotification;
import dev.parley.api.NoDraftException;
import dev.parley.api.PresenceNotification;
import dev.parley.server.ServerConfig;
import dev.parley.server.testing.RunningServer;
import dev.parley.spec.PushOutcome;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java clients over {@code /rpc/ws}: the generated interface on a socket, with typed
 * notifications, and a subscribed {@link ChatSession} whose listener gets the others' messages
 * without a {@code check}, also after the daemon restarts.
 */
class SocketTransportTest {
  @TempDir Path dataDir;
  private RunningServer server;

  @BeforeEach
  void start() throws Exception {
    server = RunningServer.start(ServerConfig.ephemeral().withDataDir(dataDir));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void anAsyncChatRoomOverTheSocketHearsMessagesWithoutAskingForThem() throws Exception {
    BlockingQueue<Message> heard = new LinkedBlockingQueue<>();
    try (AsyncChatRoom claude =
            AsyncChatRoom.overSocket(server.uri(), "claude", "lobby", heard::addAll);
        AsyncChatRoom chatgpt = new AsyncChatRoom(server.uri(), "ChatGPT", "lobby")) {
      chatgpt.append("anyone here?");
      chatgpt.push();
      // claude makes no call: the message comes to its listener as it arrives.
      Message first = null;
      while (first == null || !"chat".equals(first.kind().wireName())) {
        first = heard.poll(30, TimeUnit.SECONDS);
        assertThat(first).as("a message pushed to claude").isNotNull();
      }
      assertThat(first.senderId()).isEqualTo("ChatGPT");
      assertThat(first.content()).isEqualTo("anyone here?");
      // Heard once: the next call's answer does not bring it again.
      assertThat(claude.append("yeah, i'm here")).doesNotContain("anyone here?");
    }
  }

  @Test
  void theGeneratedInterfaceWorksOnASocketWithTypedNotificationsAndErrors() throws Exception {
    BlockingQueue<Object> heard = new LinkedBlockingQueue<>();
    ParleyClient ann =
        ParleyClient.connectSocket(
            server.uri(),
            new ParleyClient.Notifications() {
              @Override
              public void messages(MessagesNotification n) {
                heard.add(n);
              }

              @Override
              public void presence(PresenceNotification n) {
                heard.add(n);
              }
            });
    LoginResult login = ann.api().login("ann", "typed-ws", null, null, null, true, null, null);
    assertThat(ann.session()).isEqualTo(login.session());
    Assertions.assertThatThrownBy(() -> ann.api().push(false, null))
        .isInstanceOf(NoDraftException.class);

    ParleyClient bob = ParleyClient.connect(server.uri());
    bob.api().login("bob", "typed-ws", null, null, null, null, null, null);
    bob.api().append("drafting now", null);
    bob.api().push(false, null);
    // Presence changes close together may come as one: bob is in it, in some state.
    boolean sawBob = false;
    List<String> chat = new ArrayList<>();
    while (chat.isEmpty() || !sawBob) {
      Object n = heard.poll(30, TimeUnit.SECONDS);
      assertThat(n).as("a notification in time").isNotNull();
      if (n instanceof PresenceNotification p) {
        sawBob |= p.participants().stream().anyMatch(x -> x.username().equals("bob"));
      } else {
        ((MessagesNotification) n)
            .messages().stream()
                .filter(m -> m.senderId().equals("bob"))
                .forEach(m -> chat.add(m.content()));
      }
    }
    assertThat(chat).containsExactly("drafting now");
    ann.api().logout();
    ann.closeSocket();
  }

  @Test
  void aSubscribedChatSessionHearsTheOthersAgainAfterTheDaemonWasGonePastItsRetryWindow()
      throws Exception {
    BlockingQueue<Message> heard = new LinkedBlockingQueue<>();
    BlockingQueue<Boolean> reachable = new LinkedBlockingQueue<>();
    // A short retry window, so that the daemon stays away for longer than it.
    try (ChatSession alice =
        new ChatSession(
            server.uri(),
            "alice",
            "pushed",
            Duration.ofMillis(300),
            null,
            new ChatSession.Listener() {
              @Override
              public void delivered(List<Message> messages) {
                heard.addAll(messages);
              }

              @Override
              public void reachable(boolean reached) {
                reachable.add(reached);
              }
            },
            true)) {
      ChatSession bob =
          new ChatSession(server.uri(), "bob", "pushed", Duration.ofMinutes(1), null, null);
      bob.append("first");
      assertThat(PushOutcome.of(bob.push(false))).isEqualTo(PushOutcome.SENT);
      assertThat(nextChat(heard)).isEqualTo("first");

      URI url = server.uri();
      server.close();
      // alice only listens: its session tries to subscribe again, and says when it gives up a
      // retry window without giving up.
      assertThat(reachable.poll(60, TimeUnit.SECONDS)).isFalse();
      server =
          RunningServer.start(
              ServerConfig.ephemeral().withDataDir(dataDir).withPort(url.getPort()));
      assertThat(reachable.poll(60, TimeUnit.SECONDS)).isTrue();
      bob.append("after the restart");
      assertThat(PushOutcome.of(bob.push(false))).isEqualTo(PushOutcome.SENT);
      assertThat(nextChat(heard)).isEqualTo("after the restart");
      bob.close();
    }
  }

  @Test
  void aSocketThatGoesQuietIsTakenForDeadAndANewOneHearsAgain() throws Exception {
    BlockingQueue<Message> heard = new LinkedBlockingQueue<>();
    try (FlakyRelay relay = new FlakyRelay(server.uri())) {
      ParleyClient ann =
          ParleyClient.connectSocket(
              relay.uri(),
              new ParleyClient.Notifications() {
                @Override
                public void messages(MessagesNotification n) {
                  heard.addAll(n.messages());
                }
              },
              Duration.ofMillis(200));
      ann.api().login("ann", "quiet", null, null, null, true, null, null);
      long first = ann.socketOfLastCall();
      // The network breaks without a word: nothing flows, nothing is closed.
      relay.stallOpen();
      CompletableFuture<Void> dead =
          CompletableFuture.runAsync(
              () -> {
                try {
                  ann.awaitSocketClosed(first);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      dead.get(30, TimeUnit.SECONDS);
      // The next call opens another socket (bound by the session), and it hears again.
      ann.api().subscribe(true);
      assertThat(ann.socketOfLastCall()).isEqualTo(first + 1);
      ChatSession bob =
          new ChatSession(server.uri(), "bob", "quiet", Duration.ofMinutes(1), null, null);
      bob.append("over the new socket");
      bob.push(false);
      assertThat(nextChat(heard)).isEqualTo("over the new socket");
      bob.close();
      ann.closeSocket();
    }
  }

  @Test
  void anAsyncChatRoomOverTheSocketHearsTheOthersAgainAfterARestart() throws Exception {
    BlockingQueue<Message> heard = new LinkedBlockingQueue<>();
    try (AsyncChatRoom claude =
            AsyncChatRoom.overSocket(server.uri(), "claude", "restarted", heard::addAll);
        AsyncChatRoom chatgpt = new AsyncChatRoom(server.uri(), "ChatGPT", "restarted")) {
      chatgpt.append("before");
      chatgpt.push();
      assertThat(nextChat(heard)).isEqualTo("before");
      restart();
      chatgpt.append("after the restart");
      chatgpt.push();
      // claude makes no call: its session subscribes again by itself.
      assertThat(nextChat(heard)).isEqualTo("after the restart");
    }
  }

  private void restart() throws Exception {
    URI url = server.uri();
    server.close();
    server =
        RunningServer.start(ServerConfig.ephemeral().withDataDir(dataDir).withPort(url.getPort()));
  }

  private static String nextChat(BlockingQueue<Message> heard) throws InterruptedException {
    while (true) {
      Message m = heard.poll(15, TimeUnit.SECONDS);
      assertThat(m).as("a message in time").isNotNull();
      if (m.kind() == dev.parley.api.MessageKind.CHAT) {
        return m.content();
      }
    }
  }
}
