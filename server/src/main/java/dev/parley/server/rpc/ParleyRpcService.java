package dev.parley.server.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.api.AppendParams;
import dev.parley.api.AppendResult;
import dev.parley.api.CheckParams;
import dev.parley.api.CheckResult;
import dev.parley.api.ContinueParams;
import dev.parley.api.HistoryParams;
import dev.parley.api.HistoryResult;
import dev.parley.api.InvalidRequestException;
import dev.parley.api.LoginParams;
import dev.parley.api.LoginResult;
import dev.parley.api.LogoutParams;
import dev.parley.api.LogoutResult;
import dev.parley.api.Message;
import dev.parley.api.ModerationResult;
import dev.parley.api.MuteParams;
import dev.parley.api.NotLoggedInException;
import dev.parley.api.NoteParams;
import dev.parley.api.NoteResult;
import dev.parley.api.ParleyHandler;
import dev.parley.api.ParticipantsParams;
import dev.parley.api.ParticipantsResult;
import dev.parley.api.PauseParams;
import dev.parley.api.PreviewParams;
import dev.parley.api.PreviewResult;
import dev.parley.api.PushParams;
import dev.parley.api.PushResult;
import dev.parley.api.ReceiptsParams;
import dev.parley.api.ReceiptsResult;
import dev.parley.api.RemoveParams;
import dev.parley.api.ResetParams;
import dev.parley.api.ResetResult;
import dev.parley.api.ResumeParams;
import dev.parley.api.RoomsParams;
import dev.parley.api.RoomsResult;
import dev.parley.api.RpcDiscoverParams;
import dev.parley.api.SubscribeParams;
import dev.parley.api.SubscribeResult;
import dev.parley.api.TalkingStickParams;
import dev.parley.api.TalkingStickResult;
import dev.parley.api.TimelineParams;
import dev.parley.api.TimelineResult;
import dev.parley.api.UndoParams;
import dev.parley.api.UndoResult;
import dev.parley.api.UnmuteParams;
import dev.parley.server.auth.AccessKeys;
import dev.parley.server.room.LoginGate;
import dev.parley.server.room.RoomEngine;
import dev.parley.spec.SpecDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The generated handler interface, implemented by handing each call to the room engine with the
 * caller's session. Params arrive validated, with the spec's defaults filled in. Calls that reach
 * no live session count against the caller's address ({@link RoomEngine#admit}): {@code login} and
 * {@code rooms} before they run, a call with a missing, unknown or ended token once it is found to
 * have none. A live session's calls do not.
 */
final class ParleyRpcService implements ParleyHandler<Caller> {
  private final RoomEngine engine;

  /** The keys with access control, or null without. */
  private final AccessKeys access;

  ParleyRpcService(RoomEngine engine, AccessKeys access) {
    this.engine = engine;
    this.access = access;
  }

  @Override
  public LoginResult login(Caller caller, LoginParams p) {
    boolean subscribe = Boolean.TRUE.equals(p.subscribe());
    if (subscribe) {
      socket(caller);
    }
    engine.admit(caller.address());
    LoginResult result =
        engine.login(
            p.username(),
            p.room(),
            p.floor(),
            p.resume(),
            access == null ? LoginGate.OPEN : access.gate(p.key()),
            p.kind(),
            p.options());
    if (caller.socket() == null) {
      return result;
    }
    caller.socket().bind(result.session());
    if (!subscribe) {
      return result;
    }
    // What arrived between the login and the subscription comes with this answer, after the rest.
    SubscribeResult subscribed = engine.subscribe(result.session(), caller.socket().subscriber());
    caller.socket().subscribed(true);
    if (subscribed.messages().isEmpty()) {
      return result;
    }
    List<Message> messages = new ArrayList<>(result.messages());
    messages.addAll(subscribed.messages());
    return new LoginResult(
        result.session(),
        result.username(),
        result.room(),
        result.floor(),
        result.resumed(),
        result.participants(),
        messages,
        result.limits(),
        result.kind(),
        result.options(),
        result.moderator());
  }

  @Override
  public SubscribeResult subscribe(Caller caller, SubscribeParams p) {
    SocketBinding socket = socket(caller);
    boolean on = !Boolean.FALSE.equals(p.enabled());
    SubscribeResult result =
        session(caller, () -> engine.subscribe(caller.bearer(), on ? socket.subscriber() : null));
    socket.subscribed(on);
    return result;
  }

  /** The socket of a call that needs one: notifications have no way to an HTTP client. */
  private static SocketBinding socket(Caller caller) {
    if (caller.socket() == null) {
      throw new InvalidRequestException(
          "notifications need a WebSocket: subscribe on /rpc/ws, or call check over HTTP", null);
    }
    return caller.socket();
  }

  @Override
  public LogoutResult logout(Caller caller, LogoutParams p) {
    LogoutResult result = session(caller, () -> engine.logout(caller.bearer()));
    if (caller.socket() != null) {
      caller.socket().unbind(caller.bearer());
    }
    if (result.status() == 0) {
      // An unknown or ended token: nothing was ended, so answering 40003 instead loses nothing.
      engine.admit(caller.address());
    }
    return result;
  }

  @Override
  public AppendResult append(Caller caller, AppendParams p) {
    return session(caller, () -> engine.append(caller.bearer(), p.text(), p.txnId()));
  }

  @Override
  public UndoResult undo(Caller caller, UndoParams p) {
    return session(caller, () -> engine.undo(caller.bearer(), p.txnId()));
  }

  @Override
  public ResetResult reset(Caller caller, ResetParams p) {
    return session(caller, () -> engine.reset(caller.bearer(), p.txnId()));
  }

  @Override
  public PushResult push(Caller caller, PushParams p) {
    return session(
        caller, () -> engine.push(caller.bearer(), Boolean.TRUE.equals(p.force()), p.txnId()));
  }

  @Override
  public CheckResult check(Caller caller, CheckParams p) {
    return session(caller, () -> engine.check(caller.bearer(), p.timeoutMs(), p.wakeOn()));
  }

  @Override
  public PreviewResult preview(Caller caller, PreviewParams p) {
    return session(caller, () -> engine.preview(caller.bearer()));
  }

  @Override
  public TalkingStickResult talkingStick(Caller caller, TalkingStickParams p) {
    return session(caller, () -> engine.talkingStick(caller.bearer()));
  }

  @Override
  public ParticipantsResult participants(Caller caller, ParticipantsParams p) {
    return session(caller, () -> engine.participants(caller.bearer()));
  }

  @Override
  public HistoryResult history(Caller caller, HistoryParams p) {
    return session(
        caller,
        () ->
            engine.history(
                caller.bearer(),
                p.before(),
                p.after(),
                p.limit(),
                Boolean.TRUE.equals(p.excludeOwn())));
  }

  @Override
  public ReceiptsResult receipts(Caller caller, ReceiptsParams p) {
    return session(caller, () -> engine.receipts(caller.bearer(), p.messageId()));
  }

  @Override
  public TimelineResult timeline(Caller caller, TimelineParams p) {
    return session(caller, () -> engine.timeline(caller.bearer(), p.messageId()));
  }

  @Override
  public NoteResult note(Caller caller, NoteParams p) {
    return session(caller, () -> engine.note(caller.bearer(), p.kind(), p.content()));
  }

  @Override
  public RoomsResult rooms(Caller caller, RoomsParams p) {
    engine.admit(caller.address());
    if (access == null) {
      return engine.rooms();
    }
    AccessKeys.Key key =
        access.holder(
            caller.bearer(),
            token -> {
              RoomEngine.Caller session = engine.caller(token);
              return session == null ? null : session.username();
            });
    return new RoomsResult(
        engine.rooms().rooms().stream().filter(r -> key.mayJoin(r.room())).toList());
  }

  @Override
  public ModerationResult mute(Caller caller, MuteParams p) {
    return session(caller, () -> engine.mute(caller.bearer(), p.user(), p.forMs()));
  }

  @Override
  public ModerationResult unmute(Caller caller, UnmuteParams p) {
    return session(caller, () -> engine.unmute(caller.bearer(), p.user()));
  }

  @Override
  public ModerationResult remove(Caller caller, RemoveParams p) {
    return session(caller, () -> engine.remove(caller.bearer(), p.user(), p.forMs()));
  }

  @Override
  public ModerationResult pause(Caller caller, PauseParams p) {
    return session(caller, () -> engine.pause(caller.bearer()));
  }

  @Override
  public ModerationResult resume(Caller caller, ResumeParams p) {
    return session(caller, () -> engine.resume(caller.bearer()));
  }

  @Override
  public ModerationResult continue_(Caller caller, ContinueParams p) {
    return session(caller, () -> engine.continueRun(caller.bearer()));
  }

  @Override
  public JsonNode rpcDiscover(Caller caller, RpcDiscoverParams p) {
    return caller.rpcUrl() == null
        ? SpecDocument.get().tree()
        : SpecDocument.get().servedAt(caller.rpcUrl());
  }

  /**
   * Runs a call on the caller's session. One that finds no live session is a door call after all:
   * it counts against the caller's address, and past the address's limit it is answered 40003
   * instead of 40010, so that guessing tokens or calling with stale ones is throttled.
   */
  private <T> T session(Caller caller, Supplier<T> call) {
    try {
      return call.get();
    } catch (NotLoggedInException e) {
      engine.admit(caller.address());
      throw e;
    }
  }
}
