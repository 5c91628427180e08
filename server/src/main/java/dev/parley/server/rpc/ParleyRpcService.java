package dev.parley.server.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.api.AppendResult;
import dev.parley.api.CheckResult;
import dev.parley.api.FloorPolicy;
import dev.parley.api.HistoryResult;
import dev.parley.api.LoginResult;
import dev.parley.api.LogoutResult;
import dev.parley.api.NoteKind;
import dev.parley.api.NoteResult;
import dev.parley.api.NotLoggedInException;
import dev.parley.api.ParleyApi;
import dev.parley.api.ParticipantsResult;
import dev.parley.api.PreviewResult;
import dev.parley.api.PushResult;
import dev.parley.api.ResetResult;
import dev.parley.api.RoomsResult;
import dev.parley.api.TalkingStickResult;
import dev.parley.api.UndoResult;
import dev.parley.api.WakeOn;
import dev.parley.server.auth.AccessKeys;
import dev.parley.server.room.RoomEngine;
import dev.parley.spec.SpecDocument;
import java.util.function.Supplier;

/**
 * The generated interface, implemented by handing each call to the room engine with the
 * caller's session. Params arrive validated, with the spec's defaults filled in. Calls that reach
 * no live session count against the caller's address ({@link RoomEngine#admit}): {@code login}
 * and {@code rooms} before they run, a call with a missing, unknown or ended token once it is
 * found to have none. A live session's calls do not.
 */
final class ParleyRpcService implements ParleyApi {
  private final RoomEngine engine;
  /** The keys with access control, or null without. */
  private final AccessKeys access;

  ParleyRpcService(RoomEngine engine, AccessKeys access) {
    this.engine = engine;
    this.access = access;
  }

  @Override
  public LoginResult login(String username, String room, FloorPolicy floor, String resume, String key) {
    engine.admit(CallContext.address());
    return access == null ? engine.login(username, room, floor, resume)
        : engine.login(username, room, floor, resume, access.gate(key));
  }

  @Override
  public LogoutResult logout() {
    LogoutResult result = session(() -> engine.logout(CallContext.bearer()));
    if (result.status() == 0) {
      // An unknown or ended token: nothing was ended, so answering 40003 instead loses nothing.
      engine.admit(CallContext.address());
    }
    return result;
  }

  @Override
  public AppendResult append(String text, String txnId) {
    return session(() -> engine.append(CallContext.bearer(), text, txnId));
  }

  @Override
  public UndoResult undo(String txnId) {
    return session(() -> engine.undo(CallContext.bearer(), txnId));
  }

  @Override
  public ResetResult reset(String txnId) {
    return session(() -> engine.reset(CallContext.bearer(), txnId));
  }

  @Override
  public PushResult push(Boolean force, String txnId) {
    return session(() -> engine.push(CallContext.bearer(), Boolean.TRUE.equals(force), txnId));
  }

  @Override
  public CheckResult check(Long timeoutMs, WakeOn wakeOn) {
    return session(() -> engine.check(CallContext.bearer(), timeoutMs, wakeOn));
  }

  @Override
  public PreviewResult preview() {
    return session(() -> engine.preview(CallContext.bearer()));
  }

  @Override
  public TalkingStickResult talkingStick() {
    return session(() -> engine.talkingStick(CallContext.bearer()));
  }

  @Override
  public ParticipantsResult participants() {
    return session(() -> engine.participants(CallContext.bearer()));
  }

  @Override
  public HistoryResult history(Long before, Long after, Integer limit, Boolean excludeOwn) {
    return session(() -> engine.history(CallContext.bearer(), before, after, limit, Boolean.TRUE.equals(excludeOwn)));
  }

  @Override
  public NoteResult note(NoteKind kind, String content) {
    return session(() -> engine.note(CallContext.bearer(), kind, content));
  }

  @Override
  public RoomsResult rooms() {
    engine.admit(CallContext.address());
    if (access == null) {
      return engine.rooms();
    }
    AccessKeys.Key key = access.holder(CallContext.bearer(), token -> {
      RoomEngine.Caller caller = engine.caller(token);
      return caller == null ? null : caller.username();
    });
    return new RoomsResult(engine.rooms().rooms().stream().filter(r -> key.mayJoin(r.room())).toList());
  }

  @Override
  public JsonNode rpcDiscover() {
    return SpecDocument.get().tree();
  }

  /**
   * Runs a call on the caller's session. One that finds no live session is a door call after
   * all: it counts against the caller's address, and past the address's limit it is answered
   * 40003 instead of 40010, so that guessing tokens or calling with stale ones is throttled.
   */
  private <T> T session(Supplier<T> call) {
    try {
      return call.get();
    } catch (NotLoggedInException e) {
      engine.admit(CallContext.address());
      throw e;
    }
  }
}
