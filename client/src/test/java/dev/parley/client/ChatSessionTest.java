package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.api.AppendResult;
import dev.parley.api.Message;
import dev.parley.api.PushResult;
import dev.parley.api.ResetResult;
import dev.parley.api.UndoResult;
import dev.parley.api.WakeOn;
import dev.parley.server.testing.RunningServer;
import dev.parley.spec.PushOutcome;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The typed session against a real daemon behind a proxy that loses answers: every mutating call is
 * retried with its {@code txn_id} and done once, without a {@code preview} to guess whether it
 * landed, and what a lost answer carried comes back once, as the server would have delivered it.
 */
class ChatSessionTest {
  private RunningServer server;
  private CuttingProxy proxy;
  private ChatSession alice;
  private ChatSession bob;

  @BeforeEach
  void start() throws Exception {
    server = RunningServer.start();
    proxy = new CuttingProxy(server.uri());
    alice = new ChatSession(proxy.uri(), "alice", "typed", Duration.ofMinutes(1), null, null);
    bob = new ChatSession(server.uri(), "bob", "typed", Duration.ofMinutes(1), null, null);
    alice.check(Duration.ZERO, WakeOn.ANY);
  }

  @AfterEach
  void stop() throws Exception {
    alice.close();
    bob.close();
    proxy.close();
    server.close();
  }

  private static List<String> contents(List<Message> messages) {
    return messages.stream().map(Message::content).toList();
  }

  private void bobSays(String text) {
    bob.append(text);
    assertThat(PushOutcome.of(bob.push(false))).isEqualTo(PushOutcome.SENT);
  }

  @Test
  void anAppendWhoseAnswerIsLostLandsOnceAndItsMessagesComeBackOnce() {
    bobSays("are you there?");
    proxy.cutNext("append");

    AppendResult r = alice.append("hello");

    assertThat(proxy.cuts()).isEqualTo(1);
    assertThat(proxy.calls("append")).isEqualTo(2);
    assertThat(proxy.calls("preview")).as("no guessing with preview").isZero();
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.draftLength()).isEqualTo(5);
    assertThat(contents(r.messages())).containsExactly("are you there?");
    assertThat(alice.draftLength()).isEqualTo(5);
    assertThat(alice.preview().draft()).isEqualTo("hello");
    assertThat(alice.check(Duration.ZERO, WakeOn.ANY).messages()).isEmpty();
  }

  @Test
  void whatALostAnswerCarriedComesBackEvenWhenAnotherCallDeliveredNewerMessagesMeanwhile()
      throws Exception {
    bobSays("before the cut");
    proxy.cutNext("append");
    CuttingProxy.Hold resume = proxy.holdNext("login");
    CompletableFuture<AppendResult> appended =
        CompletableFuture.supplyAsync(() -> alice.append("hello"), Thread::startVirtualThread);
    // The append's answer (carrying "before the cut") is lost; its retry's resume is held while
    // another call of alice's hands over a newer message.
    assertThat(resume.arrived().await(30, TimeUnit.SECONDS)).isTrue();
    bobSays("while resuming");
    List<Message> meanwhile = alice.participants().messages();
    assertThat(contents(meanwhile)).containsExactly("while resuming");
    resume.release().countDown();

    AppendResult r = appended.get(30, TimeUnit.SECONDS);
    assertThat(contents(r.messages())).containsExactly("before the cut");
    assertThat(alice.check(Duration.ZERO, WakeOn.ANY).messages()).isEmpty();
  }

  @Test
  void anUndoAndAResetWhoseAnswersAreLostAreDoneOnce() {
    alice.append("one ");
    alice.append("two ");
    alice.append("three");
    proxy.cutNext("undo");
    UndoResult undone = alice.undo();
    assertThat(undone.status()).isEqualTo(1);
    assertThat(undone.suffix()).isEqualTo("one two ");
    assertThat(alice.preview().draft()).isEqualTo("one two ");

    proxy.cutNext("reset");
    ResetResult reset = alice.reset();
    assertThat(reset.status()).as("the retry says what the lost answer said").isEqualTo(1);
    assertThat(proxy.calls("reset")).isEqualTo(2);
    assertThat(alice.preview().draft()).isEmpty();
  }

  @Test
  void aPushWhoseAnswerIsLostIsSentOnceAndItsOwnMessageIsNotHandedBack() {
    alice.append("exactly once");
    proxy.cutNext("push");

    PushResult r = alice.push(false);

    assertThat(PushOutcome.of(r)).isEqualTo(PushOutcome.SENT);
    assertThat(r.messageId()).isNotNull();
    // The recovery read the history with the server's own-doing rule: alice's message is not hers
    // to receive.
    assertThat(r.messages()).isEmpty();
    assertThat(alice.draftLength()).isZero();
    assertThat(contents(bob.check(Duration.ofSeconds(30), WakeOn.ANY).messages()))
        .containsExactly("exactly once");
    assertThat(bob.check(Duration.ZERO, WakeOn.ANY).messages()).isEmpty();
  }

  @Test
  void aCheckWhoseAnswerIsLostHandsItsMessagesOverFromTheHistoryAtOnce() {
    bobSays("first");
    bobSays("second");
    proxy.cutNext("check");

    List<Message> heard = alice.check(Duration.ofSeconds(30), WakeOn.ANY).messages();

    assertThat(contents(heard)).containsExactly("first", "second");
    assertThat(proxy.calls("check")).as("recovered, not waited for again").isEqualTo(2);
    bobSays("third");
    assertThat(contents(alice.check(Duration.ofSeconds(30), WakeOn.ANY).messages()))
        .containsExactly("third");
  }
}
