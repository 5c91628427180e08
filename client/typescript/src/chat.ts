import { randomUUID } from "node:crypto";
import { ConnectionLostError, DEFAULT_SERVER, ParleyClient } from "./client.js";
import {
  ContentPolicyError,
  FloorHeldError,
  NoDraftError,
  NotLoggedInError,
  ParleyRpcError,
  PushHeldError,
  RateLimitedError,
  type AppendResult,
  type CheckResult,
  type HistoryParams,
  type HistoryResult,
  type LoginResult,
  type Message,
  type ModerationResult,
  type NoteKind,
  type NoteResult,
  type ParticipantsResult,
  type PreviewResult,
  type PushResult,
  type ReceiptsResult,
  type ResetResult,
  type TalkingStickResult,
  type TimelineResult,
  type UndoResult,
  type WakeOn,
} from "./generated/api.js";

/** The room joined unless told otherwise. */
export const DEFAULT_ROOM = "lobby";

/** How long one call keeps retrying an unreachable server: long enough for a daemon restart. */
export const DEFAULT_RETRY_MS = 120_000;

const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;

/**
 * Sequence numbers remembered so that recovered messages are not handed over twice; bounded so a
 * long-running agent does not grow without end.
 */
const SEEN_MEMORY = 4096;

/** Who joins where, and how long a call rides out an unreachable daemon. */
export interface ChatOptions {
  /** The daemon's address; else PARLEY_URL, else http://127.0.0.1:8890. */
  server?: string;
  /** Who joins; else PARLEY_USER (required: there is no sensible default name). */
  username?: string;
  /** The room; else PARLEY_ROOM, else lobby. */
  room?: string;
  /** The access key of a daemon run with `--auth keys`; else PARLEY_KEY, else none. */
  key?: string;
  /** How long one call keeps retrying an unreachable daemon (ms); two minutes by default. */
  retryForMs?: number;
}

/** What a ChatSession tells its owner besides the results. */
export interface ChatListener {
  /** The daemon no longer knew the session: it was joined again with an empty draft. */
  sessionLost?(room: string): void;
}

/** A session call's result, its `messages` being those delivered: recovered ones first, each once. */
type Delivered<T extends { messages: Message[] }> = T;

/**
 * One participant's session in one room, typed and resilient, as the Java ChatSession:
 *
 * - **Backoff**: a call that meets no daemon (or a session the daemon no longer knows) is retried
 *   with exponential backoff and jitter for up to the retry window; a rate limit is waited out for
 *   the `retry_after_ms` the daemon says.
 * - **Resume**: before a retry the session logs in again with its token (`login` with `resume`),
 *   so the draft, cursor and floor claim come back.
 * - **Recovery**: the messages a lost answer carried are read back with `history`'s
 *   `exclude_own` after the last message handed over, and come first in the next result.
 * - **De-duplication**: each message is handed over once (by `seq`), whether it came in an answer
 *   or from the history.
 * - **`txn_id`** on every mutating call (`append`, `undo`, `reset`, `push`): its retry repeats
 *   it, so a call whose answer was lost is answered with its first result instead of running twice.
 *
 * Calls may overlap (a `check` waiting while another call appends).
 */
export class ChatSession {
  /** The low-level client: its session token is this session's. */
  readonly client: ParleyClient;
  /** The room. */
  readonly room: string;
  private name: string;
  private readonly key: string | undefined;
  private readonly retryForMs: number;
  private readonly listener: ChatListener;
  private readonly seen = new Map<number, true>();
  private recovered: Message[] = [];
  private lastSeen = 0;
  private joined: LoginResult | undefined;

  private constructor(options: ChatOptions, listener: ChatListener) {
    this.client = new ParleyClient(options.server ?? env("PARLEY_URL") ?? DEFAULT_SERVER, {
      accessKey: options.key ?? env("PARLEY_KEY"),
    });
    this.name = options.username ?? requiredEnv("PARLEY_USER");
    this.room = options.room ?? env("PARLEY_ROOM") ?? DEFAULT_ROOM;
    this.key = options.key ?? env("PARLEY_KEY");
    this.retryForMs = options.retryForMs ?? DEFAULT_RETRY_MS;
    this.listener = listener;
  }

  /**
   * Joins the room (retrying an unreachable daemon like every call). Each option left out comes
   * from its environment variable, then its default.
   */
  static async open(options: ChatOptions = {}, listener: ChatListener = {}): Promise<ChatSession> {
    const session = new ChatSession(options, listener);
    await session.login();
    return session;
  }

  /** Sets up a session without joining yet (AsyncChatRoom's constructor cannot wait). */
  static unopened(options: ChatOptions, listener: ChatListener): ChatSession {
    return new ChatSession(options, listener);
  }

  /** Joins the room; the messages from before the login are the context, never delivered. */
  async login(): Promise<LoginResult> {
    const login = () =>
      this.client.login({ username: this.name, room: this.room, key: this.key });
    const joined = await this.retrying(login, login);
    // The server's form of the name (NFKC: a fullwidth name logs in as ASCII) is the one its
    // messages and mentions carry.
    this.name = joined.username;
    this.joined = joined;
    for (const m of joined.messages) this.see(m);
    return joined;
  }

  /** This participant's name, as the server gave it back (normalised to NFKC). */
  get username(): string {
    return this.name;
  }

  /** The room's recent messages from before this login, so a joiner knows what was said. */
  get context(): Message[] {
    return this.joined?.messages ?? [];
  }

  /** Waits for messages (`timeout_ms`, by default the server's 25 s). */
  async check(params: { timeout_ms?: number; wake_on?: WakeOn } = {}): Promise<Delivered<CheckResult>> {
    const r = await this.call(
      () => this.client.check(params),
      // What the lost answer carried was recovered: hand it over instead of waiting again.
      () => (this.recovered.length > 0 ? Promise.resolve<CheckResult>({ status: 1, messages: [] }) : this.client.check(params)),
    );
    return this.delivered(r);
  }

  /** Adds `text` to the draft. */
  async append(text: string): Promise<Delivered<AppendResult>> {
    const txn_id = randomUUID();
    return this.delivered(await this.call(() => this.client.append({ text, txn_id })));
  }

  /** Removes the draft's last segment. */
  async undo(): Promise<Delivered<UndoResult>> {
    const txn_id = randomUUID();
    return this.delivered(await this.call(() => this.client.undo({ txn_id })));
  }

  /** Sends the draft, unless chat messages arrived meanwhile (`interrupted`, the draft kept). */
  async push(force?: boolean): Promise<Delivered<PushResult>> {
    const txn_id = randomUUID();
    return this.delivered(await this.call(() => this.client.push({ force, txn_id })));
  }

  /** Discards the draft and gives up the talking stick. */
  async reset(): Promise<Delivered<ResetResult>> {
    const txn_id = randomUUID();
    return this.delivered(await this.call(() => this.client.reset({ txn_id })));
  }

  /** The whole draft. */
  async preview(): Promise<Delivered<PreviewResult>> {
    return this.delivered(await this.call(() => this.client.preview()));
  }

  /** Claims the floor. */
  async talkingStick(): Promise<Delivered<TalkingStickResult>> {
    return this.delivered(await this.call(() => this.client.talkingStick()));
  }

  /** Who is in the room and what each is doing. */
  async participants(): Promise<Delivered<ParticipantsResult>> {
    return this.delivered(await this.call(() => this.client.participants()));
  }

  /** Shows observers what this participant is thinking or doing; never delivered as chat. */
  async note(kind: NoteKind, content: string): Promise<NoteResult> {
    return this.call(() => this.client.note({ kind, content }));
  }

  /** A page of the room's history, as the daemon has it: nothing is delivered by it. */
  async history(params: HistoryParams = {}): Promise<HistoryResult> {
    return this.call(() => this.client.history(params));
  }

  /** Who has been delivered the message `messageId`, and when. */
  async receipts(messageId: string): Promise<Delivered<ReceiptsResult>> {
    return this.delivered(await this.call(() => this.client.receipts({ message_id: messageId })));
  }

  /** What each participant was given and did after the message `messageId`. */
  async timeline(messageId: string): Promise<Delivered<TimelineResult>> {
    return this.delivered(await this.call(() => this.client.timeline({ message_id: messageId })));
  }

  /** Refuses `user`'s pushes for `forMs` (left out: until `unmute`). A moderator's. */
  async mute(user: string, forMs?: number): Promise<Delivered<ModerationResult>> {
    return this.delivered(await this.call(() => this.client.mute({ user, for_ms: forMs })));
  }

  /** Lets `user` push again. A moderator's. */
  async unmute(user: string): Promise<Delivered<ModerationResult>> {
    return this.delivered(await this.call(() => this.client.unmute({ user })));
  }

  /** Ends `user`'s session and bars the name for `forMs` (left out: ten minutes). A moderator's. */
  async remove(user: string, forMs?: number): Promise<Delivered<ModerationResult>> {
    return this.delivered(await this.call(() => this.client.remove({ user, for_ms: forMs })));
  }

  /** Refuses everyone's pushes but moderators' until `resume`. A moderator's. */
  async pause(): Promise<Delivered<ModerationResult>> {
    return this.delivered(await this.call(() => this.client.pause()));
  }

  /** Ends a pause. A moderator's. */
  async resume(): Promise<Delivered<ModerationResult>> {
    return this.delivered(await this.call(() => this.client.resume()));
  }

  /** Starts the loop guard's count again, so the agents may go on. A moderator's. */
  async continueRun(): Promise<Delivered<ModerationResult>> {
    return this.delivered(await this.call(() => this.client.continue()));
  }

  /** Whether this session may moderate its room, as its login said. */
  get moderator(): boolean {
    return this.joined?.moderator === true;
  }

  /**
   * The recovered messages not handed over yet, each once: what a call that ended in an error
   * would have delivered first.
   */
  takeRecovered(): Message[] {
    const out = this.recovered.filter((m) => this.see(m));
    this.recovered = [];
    return out;
  }

  /** Logs out, so the room sees this participant leave at once rather than at expiry. */
  async close(): Promise<void> {
    try {
      await this.client.logout();
    } catch (e) {
      // Leaving cannot usefully fail: the session expires on its own.
      if (!(e instanceof ParleyRpcError || e instanceof ConnectionLostError)) throw e;
    }
  }

  // -- resilience ------------------------------------------------------------------------------

  /** Runs `first`; when the connection breaks or the session is gone, resumes and runs `afterResume`. */
  private call<T>(first: () => Promise<T>, afterResume: () => Promise<T> = first): Promise<T> {
    // What a lost answer of this call carried lies after what had been handed over when it began,
    // even if an overlapping call hands over newer messages before this one resumes.
    const start = this.lastSeen;
    let attempts = 1;
    return this.retrying(first, async () => {
      await this.rejoin(start, attempts);
      attempts += 1;
      return afterResume();
    });
  }

  /** Retries a lost connection or session with backoff for the retry window; waits out a rate limit. */
  private async retrying<T>(first: () => Promise<T>, again: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.retryForMs;
    let backoff = FIRST_BACKOFF_MS;
    let failed = false;
    for (;;) {
      try {
        return await (failed ? again() : first());
      } catch (e) {
        if (e instanceof RateLimitedError) {
          const wait = e.data?.retry_after_ms;
          await sleep(typeof wait === "number" ? wait : backoff);
          continue;
        }
        // A session a moderator removed does not come back: its name is barred for a while.
        const removed = e instanceof NotLoggedInError && e.data?.reason === "removed";
        const retriable = (e instanceof ConnectionLostError || e instanceof NotLoggedInError) && !removed;
        if (!retriable || Date.now() > deadline) throw e;
        // Jitter, so that clients cut off together do not all come back at once.
        await sleep(backoff + Math.random() * (backoff / 2));
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        failed = true;
      }
    }
  }

  /**
   * Takes the session back after a broken connection or a restarted daemon, and recovers the
   * messages a lost answer carried from the history: with `exclude_own`, the daemon leaves out
   * what this session caused, by the rule it delivers by.
   */
  private async rejoin(start: number, lostAnswers: number): Promise<void> {
    const r = await this.client.login({
      username: this.name,
      room: this.room,
      resume: this.client.session,
      key: this.key,
    });
    if (!r.resumed) this.listener.sessionLost?.(this.room);
    const limits = (this.joined ?? r).limits;
    // Each attempt that may have reached the daemon delivered at most one answer's worth of
    // messages not handed over yet (bounded in messages and in bytes); later ones were never
    // delivered and come by the cursor, so reading on would only hold a backlog in memory.
    const bound = lostAnswers * limits.response_messages;
    const byteBound = lostAnswers * limits.response_bytes;
    const missed: Message[] = [];
    let missedBytes = 0;
    let after = start;
    for (;;) {
      const page = await this.client.history({ after, exclude_own: true });
      for (const m of page.messages) {
        after = m.seq;
        if (missed.length < bound && missedBytes < byteBound && !this.seen.has(m.seq)) {
          missed.push(m);
          missedBytes += Buffer.byteLength(m.content, "utf8");
        }
      }
      if (!page.has_more || page.messages.length === 0 || missed.length >= bound || missedBytes >= byteBound) {
        break;
      }
    }
    const held = new Set(this.recovered.map((m) => m.seq));
    this.recovered.push(...missed.filter((m) => !held.has(m.seq)));
  }

  /** The result with its messages as delivered: the recovered ones first, then its own, each once. */
  private delivered<T extends { messages: Message[] }>(r: T): Delivered<T> {
    const out = this.takeRecovered();
    for (const m of r.messages) {
      if (this.see(m)) out.push(m);
    }
    return { ...r, messages: out };
  }

  /** Marks a message handed over; false when it already was. */
  private see(m: Message): boolean {
    this.lastSeen = Math.max(this.lastSeen, m.seq);
    if (this.seen.has(m.seq)) return false;
    this.seen.set(m.seq, true);
    if (this.seen.size > SEEN_MEMORY) {
      this.seen.delete(this.seen.keys().next().value as number);
    }
    return true;
  }
}

/**
 * A participant of one Parley room, as the seed transcript uses it: every action resolves to the
 * messages that arrived since the last one as `Sender: content` lines ("" when none), plus a
 * bracketed notice where something did not go as asked, in exactly the words of the Java and
 * Python AsyncChatRoom. It rides out failures as ChatSession does.
 *
 * ```ts
 * const chatroom = new AsyncChatRoom();          // PARLEY_URL, PARLEY_USER, PARLEY_ROOM, PARLEY_KEY
 * console.log(await chatroom.check());           // ChatGPT: anyone here?
 * console.log(await chatroom.append("yeah, i'm here"));
 * console.log(await chatroom.push());
 * ```
 */
export class AsyncChatRoom {
  private readonly session: ChatSession;
  private readonly ready: Promise<LoginResult>;
  private notices: string[] = [];

  /**
   * Joins the room at once (the calls wait for it). Each option left out comes from its
   * environment variable: PARLEY_URL (default http://127.0.0.1:8890), PARLEY_USER (required),
   * PARLEY_ROOM (default lobby), PARLEY_KEY (none by default).
   *
   * @throws Error when no username is given and PARLEY_USER is not set
   */
  constructor(options: ChatOptions = {}) {
    this.session = ChatSession.unopened(options, {
      sessionLost: (room) =>
        this.notices.push(`[the server had lost this session: rejoined ${room} with an empty draft]`),
    });
    this.ready = this.session.login();
    // A failed login is the first call's error; it must not also end the process as unhandled.
    this.ready.catch(() => {});
  }

  /** Joins the room and resolves once joined, so that a failed login rejects here. */
  static async open(options: ChatOptions = {}): Promise<AsyncChatRoom> {
    const room = new AsyncChatRoom(options);
    await room.ready;
    return room;
  }

  /** This participant's name, as the server gave it back, once joined. */
  async username(): Promise<string> {
    await this.ready;
    return this.session.username;
  }

  /** The room. */
  get room(): string {
    return this.session.room;
  }

  /** The underlying typed session. */
  get chatSession(): ChatSession {
    return this.session;
  }

  /** The room's recent messages from before this login, so a joiner knows what was said. */
  async context(): Promise<string> {
    await this.ready;
    return lines(this.session.context, undefined);
  }

  /**
   * Waits for messages and returns them; "" when none came. `timeoutMs` left out leaves the wait
   * to the server (25 s); `wakeOn: "mention"` ends the wait early only for a message that names
   * this participant (every message that arrived is returned all the same).
   */
  async check(options: { timeoutMs?: number; wakeOn?: WakeOn } = {}): Promise<string> {
    await this.ready;
    const r = await this.session.check({ timeout_ms: options.timeoutMs, wake_on: options.wakeOn });
    return this.text(r.messages, undefined);
  }

  /** Shows observers what this participant is thinking or doing; never delivered as chat. */
  async note(kind: NoteKind, content: string): Promise<void> {
    await this.ready;
    await this.session.note(kind, content);
  }

  /** Adds `text` to the draft; says so when it was cut to the limit or refused. */
  async append(text: string): Promise<string> {
    await this.ready;
    let r: AppendResult;
    try {
      r = await this.session.append(text);
    } catch (e) {
      if (e instanceof FloorHeldError) return this.failed(`[not appended: ${floorHeld(e)}]`);
      if (e instanceof ContentPolicyError) {
        return this.failed(`[not appended: the text breaks the content policy: ${e.detail()}]`);
      }
      throw e;
    }
    return this.text(r.messages, appendNotice(r));
  }

  /** Removes the draft's last segment. */
  async undo(): Promise<string> {
    await this.ready;
    const r = await this.session.undo();
    return this.text(r.messages, r.status === 0 ? "[nothing to undo: the draft is empty]" : undefined);
  }

  /** Sends the draft, unless messages arrived meanwhile (then it says so and keeps the draft). */
  async push(): Promise<string> {
    await this.ready;
    let r: PushResult;
    try {
      r = await this.session.push();
    } catch (e) {
      if (e instanceof NoDraftError) return this.failed("[nothing to push: the draft is empty]");
      if (e instanceof FloorHeldError) return this.failed(`[not sent: ${floorHeld(e)}]`);
      if (e instanceof PushHeldError) return this.failed(pushHeld(e));
      throw e;
    }
    return this.text(r.messages, pushNotice(r));
  }

  /** Discards the draft and gives up the talking stick. */
  async reset(): Promise<string> {
    await this.ready;
    const r = await this.session.reset();
    return this.text(r.messages, undefined);
  }

  /** Shows the whole draft, so the caller can read what it would push. */
  async preview(): Promise<string> {
    await this.ready;
    const r = await this.session.preview();
    return this.text(r.messages, r.draft ? `[draft: ${r.draft}]` : "[the draft is empty]");
  }

  /** Claims the floor. */
  async talkingStick(): Promise<string> {
    await this.ready;
    const r = await this.session.talkingStick();
    const notice =
      r.granted && r.holder === this.session.username
        ? "[you have the talking stick]"
        : `[the talking stick is held by ${r.holder}]`;
    return this.text(r.messages, notice);
  }

  /** Says who is in the room and what each is doing. */
  async participants(): Promise<string> {
    await this.ready;
    const r = await this.session.participants();
    const who = r.participants.map(
      (p) => `${p.username} (${p.state}${p.holds_stick ? ", has the talking stick" : ""})`,
    );
    return this.text(r.messages, `[in the room: ${who.join(", ")}]`);
  }

  /** Says who has seen the message `messageId` (and who writes since), and who has not. */
  async receipts(messageId: string): Promise<string> {
    await this.ready;
    const r = await this.session.receipts(messageId);
    return this.text(r.messages, receiptsNotice(r));
  }

  /** Says what each participant was given and did after the message `messageId`. */
  async timeline(messageId: string): Promise<string> {
    await this.ready;
    const r = await this.session.timeline(messageId);
    return this.text(r.messages, timelineNotice(r));
  }

  /** Mutes `user` for `forMs` (left out: until unmuted). A moderator's: others get a 40013. */
  async mute(user: string, forMs?: number): Promise<string> {
    return this.moderated(`${user} is muted`, () => this.session.mute(user, forMs));
  }

  /** Lets `user` push again. A moderator's. */
  async unmute(user: string): Promise<string> {
    return this.moderated(`${user} may speak`, () => this.session.unmute(user));
  }

  /** Sends `user` out of the room and bars the name for a while. A moderator's. */
  async remove(user: string): Promise<string> {
    return this.moderated(`${user} is out of the room`, () => this.session.remove(user));
  }

  /** Stops everyone's pushes but moderators' until `resume`. A moderator's. */
  async pause(): Promise<string> {
    return this.moderated("the room is paused", () => this.session.pause());
  }

  /** Ends a pause. A moderator's. */
  async resume(): Promise<string> {
    return this.moderated("the room is resumed", () => this.session.resume());
  }

  /** Lets the agents go on past the loop guard. A moderator's. */
  async continueRun(): Promise<string> {
    return this.moderated("the agents may go on", () => this.session.continueRun());
  }

  /** Logs out, so the room sees this participant leave at once rather than at expiry. */
  async close(): Promise<void> {
    try {
      await this.ready;
    } catch {
      return; // never joined: nothing to leave
    }
    await this.session.close();
  }

  /** A moderator's call: its messages, then what changed (or that nothing had to). */
  private async moderated(what: string, call: () => Promise<ModerationResult>): Promise<string> {
    await this.ready;
    const r = await call();
    return this.text(r.messages, r.status === 1 ? `[${what}]` : `[nothing to change: ${what} already]`);
  }

  /** What a call that ended in a notice returns: the recovered messages, then the notice. */
  private failed(notice: string): string {
    return this.text(this.session.takeRecovered(), notice);
  }

  /** The messages, then the notices of a lost session, then the call's own notice. */
  private text(messages: Message[], notice: string | undefined): string {
    const notices = [...this.notices, ...(notice === undefined ? [] : [notice])];
    this.notices = [];
    return lines(messages, notices.length > 0 ? notices.join("\n") : undefined);
  }
}

// -- results as an LLM (or a person) reads them: the same text as the Java ChatText ------------

/** Messages as `Sender: content` lines, oldest first, then a notice line if any. */
export function lines(messages: readonly Message[], notice: string | undefined): string {
  const out = messages.map((m) => `${m.sender_id}: ${m.content}`);
  if (notice !== undefined) out.push(notice);
  return out.join("\n");
}

function appendNotice(r: AppendResult): string | undefined {
  if (r.status === 2) {
    return `[truncated: the last ${r.truncated} characters were dropped; the draft ends with "${r.suffix}"]`;
  }
  if (r.status === 0) return `[not appended: ${r.reason}]`;
  return undefined;
}

function pushNotice(r: PushResult): string | undefined {
  if (r.interrupted !== true) return undefined;
  if (r.reason === "human_drafting") return "[not sent: a human is typing; check, then push again]";
  const arrived = r.messages.filter((m) => m.kind === "chat").length;
  return `[not sent: ${arrived} new message${arrived === 1 ? "" : "s"} arrived; push again to send it, or revise it first]`;
}

/** The notice of a push the room's moderation holds (40014), in the Java and Python clients' words. */
function pushHeld(e: PushHeldError): string {
  const d = e.data;
  switch (d?.reason) {
    case "agent_run":
      return `[not sent: agents have sent ${d.agent_run} message${d.agent_run === 1 ? "" : "s"} in a row with no person between them; wait (check) until a person speaks or a moderator lets the agents continue, then push again]`;
    case "muted":
      return `[not sent: ${d.by} muted you${d.until ? ` until ${d.until}` : ""}; your draft is kept]`;
    case "paused":
      return `[not sent: ${d.by} paused the room; only moderators speak until it is resumed: check, then push again]`;
    default:
      return `[not sent: ${d?.detail ?? e.message}]`;
  }
}

/** A receipts call's notice: who has seen the message (and who is writing since), who has not. */
export function receiptsNotice(r: ReceiptsResult): string {
  if (r.receipts.length === 0) return `[${r.message_id}: nobody else is in the room]`;
  const seen = r.receipts.filter((p) => p.delivered).map((p) => p.username + (p.drafting_after ? " (writing since)" : ""));
  const unseen = r.receipts.filter((p) => !p.delivered).map((p) => p.username);
  const not = unseen.length > 0 ? `; not yet seen by ${unseen.join(", ")}` : "";
  return `[${r.message_id} was seen by ${seen.length > 0 ? seen.join(", ") : "nobody"}${not}]`;
}

/** A timeline call's notice: whether each participant saw the message and what it did since. */
export function timelineNotice(r: TimelineResult): string {
  if (r.participants.length === 0) return `[timeline of ${r.message_id}: nobody else is in the room]`;
  const who = r.participants.map((p) => {
    const did = [p.delivered ? "saw it" : "has not seen it"];
    for (const e of p.events) {
      switch (e.type) {
        case "draft_started":
          did.push("started a draft");
          break;
        case "draft_changed":
          did.push(`changed its draft (${e.action})`);
          break;
        case "push_interrupted":
          did.push(`its push was held back (${e.reason === "human_drafting" ? "a human was typing" : "new messages had arrived"})`);
          break;
        case "push_refused":
          did.push(`its push was refused (${e.code} ${e.error}${e.detail === undefined ? "" : `: ${e.detail}`})`);
          break;
        case "pushed":
          did.push(`then sent ${e.message_id}`);
          break;
        default:
        // delivered: the first is "saw it"; later ones say nothing about this message.
      }
    }
    if (p.events.every((e) => e.type === "delivered")) did.push("did nothing since");
    return `${p.username} ${did.join(", ")}`;
  });
  return `[timeline of ${r.message_id}: ${who.join("; ")}${r.complete ? "" : " (the daemon no longer holds all of it)"}]`;
}

function floorHeld(e: FloorHeldError): string {
  const holder = e.data?.holder;
  if (holder === null || holder === undefined) return "this room needs the talking stick; claim it first";
  return `the floor is held by ${holder}; claim the talking stick when it is free`;
}

function env(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value.trim() === "" ? undefined : value;
}

function requiredEnv(name: string): string {
  const value = env(name);
  if (value === undefined) throw new Error(`${name} is not set: say who you are, e.g. ${name}=claude`);
  return value;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
