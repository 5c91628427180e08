// The Parley viewer: one column per participant, fed by the observer socket (/observe).
// Plain JavaScript, no build step. Live rooms and replayed logs send the same frames.
(function () {
  "use strict";

  const params = new URLSearchParams(location.search);
  const columns = document.getElementById("columns");
  const systemLine = document.getElementById("system");
  const connection = document.getElementById("connection");
  const empty = document.getElementById("empty");
  const panel = document.getElementById("panel");
  const gear = document.getElementById("gear");
  const roomInput = document.getElementById("room");
  const pauseButton = document.getElementById("pause");
  const speed = document.getElementById("speed");

  const people = new Map();
  let room = params.get("room") || "";
  let socket = null;
  let paused = false;
  let held = [];
  let retryMs = 1000;
  let pinger = null;

  roomInput.value = room;
  showRoom();

  // Colors far apart (CIE76 distance of at least 34 between any two) so that names never look
  // alike. A name's hash picks its color; a name whose color is already shown takes the next free
  // one, so that the names on the page stay distinct while there are colors left.
  const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#c46200", "#8c564b", "#c2387f",
    "#0f8f9a", "#7f7f00"];
  const colors = new Map();

  function colorOf(name) {
    const known = colors.get(name);
    if (known) {
      return known;
    }
    let hash = 0;
    for (const ch of name) {
      hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
    }
    const taken = new Set(colors.values());
    let color = PALETTE[hash % PALETTE.length];
    for (let i = 0; i < PALETTE.length && taken.has(color); i++) {
      color = PALETTE[(hash + i + 1) % PALETTE.length];
    }
    colors.set(name, color);
    return color;
  }

  // For the page's tests: the palette and the choice of colors.
  window.parleyViewer = { palette: PALETTE.slice(), colorOf: colorOf };

  // A participant is a name in a room: two rooms' "bob"s are two people.
  function keyOf(frameRoom, user) {
    return (frameRoom || "") + "\u0000" + user;
  }

  function roomLink(name) {
    const a = document.createElement("a");
    a.className = "room";
    a.href = "?room=" + encodeURIComponent(name);
    a.textContent = name;
    a.title = "Watch only this room";
    return a;
  }

  function column(frameRoom, user) {
    const key = keyOf(frameRoom, user);
    let person = people.get(key);
    if (person) {
      return person;
    }
    const el = document.createElement("section");
    el.className = "column idle";
    el.dataset.user = user;
    el.dataset.room = frameRoom || "";
    el.style.setProperty("--user-color", colorOf(room || !frameRoom ? user : user + "@" + frameRoom));
    el.innerHTML =
      '<header><span class="name"></span><span class="stick" hidden title="Holds the talking stick">talking stick</span>' +
      '<span class="state">idle</span><div class="activity"></div><div class="draft"></div>' +
      '<div class="last-system"></div></header><ol class="messages"></ol>';
    el.querySelector(".name").textContent = user;
    if (!room && frameRoom) {
      const name = el.querySelector(".name");
      name.after(roomLink(frameRoom));
    }
    columns.appendChild(el);
    empty.hidden = true;
    person = { el: el, messages: el.querySelector(".messages") };
    people.set(key, person);
    return person;
  }

  const KINDS = { chat: "", thinking: "thinking", tool_call: "tool call", tool_response: "tool response" };

  // The conversation view: one time-ordered transcript of chat messages, each with the protocol
  // actions that led to it folded underneath, and a strip with every participant's live state.
  const transcript = document.getElementById("transcript");
  const strip = document.getElementById("people");
  const chips = new Map();
  // By participant: the actions not yet followed by a message, shown as a pending turn.
  const pending = new Map();
  // By participant: the group holding its latest unanswered call, where the answer goes.
  const openCalls = new Map();
  // The ids of the messages the transcript shows, live or loaded: each is shown once.
  const shownIds = new Set();

  const STATES = { idle: "idle", drafting: "drafting…", waiting: "waiting", left: "left" };

  function chip(frameRoom, user) {
    const key = keyOf(frameRoom, user);
    let found = chips.get(key);
    if (found) {
      return found;
    }
    const el = document.createElement("li");
    el.className = "person idle";
    el.dataset.user = user;
    el.dataset.room = frameRoom || "";
    el.style.setProperty("--user-color", colorOf(room || !frameRoom ? user : user + "@" + frameRoom));
    el.innerHTML = '<span class="name"></span><span class="kind" hidden title="A person, not a program">person</span>' +
      '<span class="stick" hidden title="Holds the talking stick">stick</span>' +
      '<span class="state">idle</span><span class="draft"></span>';
    el.querySelector(".name").textContent = user;
    if (!room && frameRoom) {
      el.querySelector(".name").after(roomLink(frameRoom));
    }
    strip.appendChild(el);
    empty.hidden = true;
    found = {
      el: el,
      presence: function (frame) {
        el.classList.remove("idle", "drafting", "waiting", "left", "interrupted");
        el.classList.add(frame.state);
        el.querySelector(".state").textContent = STATES[frame.state] || frame.state;
        el.querySelector(".draft").textContent =
          frame.state === "drafting" && frame.draft_suffix ? "…" + frame.draft_suffix : "";
        el.querySelector(".stick").hidden = !frame.holds_stick;
        if (frame.kind) {
          el.querySelector(".kind").hidden = frame.kind !== "human";
          el.classList.toggle("human", frame.kind === "human");
        }
        el.title = frame.last_system || "";
      },
      activity: function (frame) {
        // An interrupted push is worth seeing until the participant does something else.
        if (frame.status === "interrupted") {
          el.classList.add("interrupted");
          el.querySelector(".state").textContent = "interrupted";
        }
      }
    };
    chips.set(key, found);
    return found;
  }

  // JSON shown indented; anything else as it is.
  function pretty(text) {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch (e) {
      return text;
    }
  }

  function oneLine(text, max) {
    const flat = String(text || "").replace(/\s+/g, " ").trim();
    return flat.length > max ? flat.slice(0, max - 1) + "…" : flat;
  }

  // One folded action: a line saying what it was, the whole of it inside.
  function actionLine(frame, p) {
    const d = document.createElement("details");
    d.className = "action " + p.type;
    if (p.type === "tool_call" && p.function) { d.dataset.method = p.function; }
    const summary = document.createElement("summary");
    const kind = document.createElement("span");
    kind.className = "kind";
    kind.textContent = KINDS[p.type] || p.type;
    summary.appendChild(kind);
    const what = p.type === "tool_call" && p.function
      ? p.function + " " + oneLine(p.arguments, 60) : oneLine(p.content, 80);
    summary.appendChild(document.createTextNode(" " + what));
    const t = document.createElement("time");
    t.textContent = frame.timestamp ? new Date(frame.timestamp).toLocaleTimeString() : "";
    summary.appendChild(t);
    d.appendChild(summary);
    const body = document.createElement("pre");
    body.textContent = p.type === "tool_call" || p.type === "tool_response" ? pretty(p.content) : p.content;
    d.appendChild(body);
    return d;
  }

  // The folded list of a turn's actions, made on first use.
  function actionsOf(turn) {
    let box = turn.querySelector(":scope > details.actions");
    if (!box) {
      box = document.createElement("details");
      box.className = "actions";
      box.innerHTML = "<summary></summary><div class=\"list\"></div>";
      turn.appendChild(box);
    }
    return box;
  }

  function addAction(turn, line) {
    const box = actionsOf(turn);
    box.querySelector(".list").appendChild(line);
    const n = box.querySelectorAll(".action").length;
    const methods = new Set();
    box.querySelectorAll(".action").forEach(function (a) {
      if (a.dataset.method) { methods.add(a.dataset.method); }
    });
    box.querySelector("summary").textContent = n + (n === 1 ? " action" : " actions")
      + (methods.size ? ": " + Array.from(methods).join(", ") : "");
  }

  function turnHead(frame, user) {
    const head = document.createElement("div");
    head.className = "head";
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = user;
    head.appendChild(name);
    if (!room && frame.room) {
      head.appendChild(roomLink(frame.room));
    }
    const t = document.createElement("time");
    t.textContent = frame.timestamp ? new Date(frame.timestamp).toLocaleTimeString() : "";
    head.appendChild(t);
    return head;
  }

  function newTurn(frame, user, kind) {
    const turn = document.createElement("li");
    turn.className = "turn " + kind;
    turn.dataset.user = user;
    turn.dataset.room = frame.room || "";
    turn.style.setProperty("--user-color", colorOf(room || !frame.room ? user : user + "@" + frame.room));
    turn.appendChild(turnHead(frame, user));
    return turn;
  }

  function follow() {
    const atEnd = window.innerHeight + window.scrollY >= document.body.scrollHeight - 80;
    return function () {
      if (atEnd) { window.scrollTo(0, document.body.scrollHeight); }
    };
  }

  // The transcript's line for a message (chat or system), marked with its id.
  // Who said each chat message the page has shown, by room and seq: a stale message's mark
  // names the senders of those its author had not been delivered (seq above its based_on).
  const said = new Map();

  function staleMark(frame, author) {
    const missed = [];
    for (let seq = frame.based_on + 1; seq < frame.seq; seq++) {
      const who = said.get(keyOf(frame.room, String(seq)));
      if (who && who !== author && !missed.includes(who)) { missed.push(who); }
    }
    const mark = document.createElement("div");
    mark.className = "stale";
    mark.textContent = missed.length
      ? "answered without seeing " + missed.join(", ") + "'s message" + (missed.length > 1 ? "s" : "")
      : "answered without seeing a message sent before it";
    return mark;
  }

  function messageTurn(frame, p) {
    let turn;
    if (p.type === "system") {
      turn = document.createElement("li");
      turn.className = "turn system";
      turn.dataset.room = frame.room || "";
      turn.textContent = (!room && frame.room ? frame.room + ": " : "") + p.content;
    } else {
      turn = newTurn(frame, p.user, "msg");
      const text = document.createElement("div");
      text.className = "text";
      text.textContent = p.content;
      turn.appendChild(text);
      if (frame.stale) {
        turn.appendChild(staleMark(frame, p.user));
      }
      if (p.type === "chat" && frame.message_id) {
        turn.classList.add("receipted");
        const seen = document.createElement("div");
        seen.className = "seen";
        turn.appendChild(seen);
        text.title = "Show what each participant did after this message";
        text.addEventListener("click", function () { toggleTimeline(turn); });
      }
    }
    if (frame.seq) {
      turn.dataset.seq = frame.seq;
      said.set(keyOf(frame.room, String(frame.seq)), p.type === "chat" ? p.user : null);
    }
    if (frame.message_id) {
      turn.dataset.messageId = frame.message_id;
      shownIds.add(frame.message_id);
    }
    return turn;
  }

  function transcriptEntry(frame, p) {
    const scroll = follow();
    const key = keyOf(frame.room, p.user);
    if (p.type === "system") {
      transcript.appendChild(messageTurn(frame, p));
    } else if (p.type === "chat") {
      chip(frame.room, p.user);
      const turn = messageTurn(frame, p);
      // The actions that led to this message go under it.
      const waiting = pending.get(key);
      if (waiting) {
        turn.appendChild(actionsOf(waiting));
        waiting.remove();
        pending.delete(key);
        if (openCalls.get(key) === waiting) { openCalls.set(key, turn); }
      }
      transcript.appendChild(turn);
    } else {
      chip(frame.room, p.user);
      const line = actionLine(frame, p);
      // An answer goes with its call (a push is answered after the message it sent).
      let turn = p.type === "tool_response" ? openCalls.get(key) : null;
      if (p.type === "tool_response") { openCalls.delete(key); }
      if (!turn || !turn.isConnected) {
        turn = pending.get(key);
        if (!turn) {
          turn = newTurn(frame, p.user, "pending");
          pending.set(key, turn);
          transcript.appendChild(turn);
        }
      }
      addAction(turn, line);
      if (p.type === "tool_call") { openCalls.set(key, turn); }
    }
    empty.hidden = true;
    scroll();
  }

  // The room list: each room the page has frames of, with how many take part in it (those not
  // gone) and its activity (the last message's time, and the messages of the last five minutes).
  const roomList = document.querySelector("#rooms ul");
  const rooms = new Map();
  const RECENT_MS = 5 * 60 * 1000;

  function roomEntry(name) {
    let r = rooms.get(name);
    if (r) {
      return r;
    }
    const el = document.createElement("li");
    el.className = "room-entry" + (name === room ? " current" : "");
    el.dataset.room = name;
    const link = document.createElement("a");
    link.href = "?room=" + encodeURIComponent(name);
    link.textContent = name;
    link.title = "Watch only this room";
    el.appendChild(link);
    el.insertAdjacentHTML("beforeend",
      '<span class="count"></span><span class="recent"></span><time class="last"></time>');
    roomList.appendChild(el);
    r = { el: el, people: new Map(), times: [], last: null };
    rooms.set(name, r);
    return r;
  }

  function showRoomEntry(r) {
    const here = Array.from(r.people.values()).filter(function (s) { return s !== "left"; }).length;
    r.el.dataset.participants = String(here);
    r.el.querySelector(".count").textContent = here + (here === 1 ? " participant" : " participants");
    const since = Date.now() - RECENT_MS;
    r.times = r.times.filter(function (t) { return t >= since; });
    r.el.dataset.recent = String(r.times.length);
    r.el.querySelector(".recent").textContent = r.times.length + " in 5 min";
    const last = r.el.querySelector(".last");
    last.textContent = r.last ? "last " + new Date(r.last).toLocaleTimeString() : "no messages yet";
    if (r.last) { last.dateTime = new Date(r.last).toISOString(); }
  }

  function roomSaw(frameRoom, user, state, messageAt) {
    if (!frameRoom) {
      return;
    }
    const r = roomEntry(frameRoom);
    if (user && (state || !r.people.has(user))) {
      r.people.set(user, state || "idle");
    }
    if (messageAt !== undefined) {
      const t = messageAt ? Date.parse(messageAt) : Date.now();
      r.last = Math.max(r.last || 0, t);
      r.times.push(t);
    }
    showRoomEntry(r);
  }

  // The recent counts age even when nothing arrives.
  setInterval(function () { rooms.forEach(showRoomEntry); }, 30000);

  // Which view shows: the conversation (the default) or the columns; ?view=columns is a link.
  const viewButton = document.getElementById("view");
  let view = params.get("view") === "columns" ? "columns" : "conversation";

  function showView() {
    document.body.dataset.view = view;
    viewButton.textContent = view === "columns" ? "Conversation" : "Columns";
    viewButton.title = view === "columns" ? "One transcript of the conversation" : "One column per participant";
  }

  viewButton.addEventListener("click", function () {
    view = view === "columns" ? "conversation" : "columns";
    const url = new URL(location.href);
    if (view === "columns") { url.searchParams.set("view", "columns"); } else { url.searchParams.delete("view"); }
    history.replaceState(null, "", url);
    showView();
    maybeLoadOlder();
  });
  showView();


  // The line above an entry: what kind it is, and when.
  function meta(kind, ts, frameRoom) {
    const div = document.createElement("div");
    div.className = "meta";
    if (!room && frameRoom) {
      div.appendChild(roomLink(frameRoom));
    }
    if (KINDS[kind]) {
      const label = document.createElement("span");
      label.className = "kind";
      label.textContent = KINDS[kind];
      div.appendChild(label);
    }
    const t = document.createElement("time");
    t.textContent = ts ? new Date(ts).toLocaleTimeString() : "";
    div.appendChild(t);
    return div;
  }

  function chatMessage(frame) {
    if (frame.message_id && shownIds.has(frame.message_id)) {
      return; // already loaded as an older message
    }
    const p = frame.parsed_content || {};
    if (p.type === "chat") {
      roomSaw(frame.room, p.user, null, frame.timestamp || null);
    } else {
      roomSaw(frame.room, p.type === "system" ? null : p.user);
    }
    transcriptEntry(frame, p);
    if (p.type === "system") {
      systemLine.textContent = (!room && frame.room ? frame.room + ": " : "") + p.content;
      return;
    }
    const person = column(frame.room, p.user);
    const li = document.createElement("li");
    li.className = "entry " + p.type;
    li.appendChild(meta(p.type, frame.timestamp, frame.room));
    const text = p.type === "tool_call" && p.function ? p.function + "(" + (p.arguments || "") + ")" : p.content;
    li.appendChild(document.createTextNode(text));
    person.messages.appendChild(li);
    person.messages.scrollTop = person.messages.scrollHeight;
  }

  function activity(frame) {
    chip(frame.room, frame.user).activity(frame);
    const person = column(frame.room, frame.user);
    const summary = frame.summary ? " " + frame.summary : "";
    person.el.querySelector(".activity").textContent = frame.method + ": " + frame.status + summary;
  }

  function presence(frame) {
    roomSaw(frame.room, frame.user, frame.state);
    chip(frame.room, frame.user).presence(frame);
    const person = column(frame.room, frame.user);
    const el = person.el;
    el.classList.remove("idle", "drafting", "waiting", "left");
    el.classList.add(frame.state);
    const label = { idle: "idle", drafting: "drafting…", waiting: "waiting", left: "left" }[frame.state] || frame.state;
    el.querySelector(".state").textContent = label;
    el.querySelector(".draft").textContent = frame.state === "drafting" && frame.draft_suffix ? "…" + frame.draft_suffix : "";
    el.querySelector(".stick").hidden = !frame.holds_stick;
    el.querySelector(".last-system").textContent = frame.last_system || "";
  }

  // Seen receipts and timelines come from the daemon's live rooms (a replay has none), for the
  // room watched: /observe/seen says, for the messages shown, who was delivered each and who not.
  let live = false;
  let seenTimer = null;

  function journalQuery(extra) {
    const query = new URLSearchParams(extra);
    query.set("room", room);
    const key = sessionStorage.getItem(KEY);
    if (key) { query.set("access_token", key); }
    return query.toString();
  }

  // The receipted turns' seqs, each between from and to (inclusive) when given.
  function receiptedSeqs(from, to) {
    return Array.from(transcript.querySelectorAll(".turn.receipted"), function (turn) {
      return Number(turn.dataset.seq);
    }).filter(function (seq) { return seq >= from && seq <= to; });
  }

  // Asks who saw the shown messages from `from` through `to` (the daemon answers the newest 500).
  function askSeen(from, to) {
    const seqs = receiptedSeqs(from, to);
    if (!seqs.length) { return; }
    const range = { from: String(Math.min.apply(null, seqs)), to: String(Math.max.apply(null, seqs)) };
    fetch("/observe/seen?" + journalQuery(range), { cache: "no-store" }).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (body) {
      if (body && body.room === room) { showSeen(body.messages); }
    }).catch(function () { /* the next frame asks again */ });
  }

  // After a frame: the newest messages shown, which deliveries still change.
  function scheduleSeen() {
    if (!room || !live || seenTimer) { return; }
    seenTimer = setTimeout(function () {
      seenTimer = null;
      askSeen(1, Number.MAX_SAFE_INTEGER);
    }, 200);
  }

  function showSeen(messages) {
    const bySeq = new Map(messages.map(function (m) { return [m.seq, m]; }));
    // Lines filled in above what is on screen would push it down: the first turn that starts in
    // view stays where it is (those above it start above the window).
    const anchor = Array.from(transcript.children).find(function (el) {
      return el.getBoundingClientRect().top >= 0;
    });
    const before = anchor ? anchor.getBoundingClientRect().top : 0;
    transcript.querySelectorAll(".turn.receipted").forEach(function (turn) {
      const m = bySeq.get(Number(turn.dataset.seq));
      if (!m) { return; } // older than the newest the daemon answers for: left as it was
      const line = turn.querySelector(":scope > .seen");
      line.textContent = m.seen_by.length || m.not_seen_by.length
        ? "seen by " + (m.seen_by.length ? m.seen_by.join(", ") : "nobody yet")
          + (m.not_seen_by.length ? " · not seen by " + m.not_seen_by.join(", ") : "")
        : "";
    });
    if (anchor) { window.scrollBy(0, anchor.getBoundingClientRect().top - before); }
  }

  const TIMELINE_WORDS = {
    delivered: function () { return "was delivered newer messages"; },
    draft_started: function () { return "started a draft"; },
    draft_changed: function (e) { return "changed its draft (" + e.action + ")"; },
    push_interrupted: function (e) {
      return "push held back (" + (e.reason === "human_drafting" ? "a human was typing" : "new messages had arrived") + ")";
    },
    push_refused: function (e) { return "push refused (" + e.code + " " + e.error + (e.detail ? ": " + e.detail : "") + ")"; },
    pushed: function (e) { return "sent " + e.message_id; },
  };

  function toggleTimeline(turn) {
    const open = turn.querySelector(":scope > .timeline");
    if (open) { open.remove(); return; }
    const box = document.createElement("div");
    box.className = "timeline";
    box.textContent = "loading the timeline…";
    turn.appendChild(box);
    if (!live || !room) {
      box.textContent = "timelines are the daemon's: watch one live room to see them";
      return;
    }
    fetch("/observe/timeline?" + journalQuery({ message: turn.dataset.messageId }), { cache: "no-store" })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (answer) {
        box.textContent = "";
        if (!answer.ok) { box.textContent = answer.body.error || "no timeline"; return; }
        const list = document.createElement("ul");
        answer.body.participants.forEach(function (p) {
          const li = document.createElement("li");
          li.dataset.user = p.username;
          const steps = [p.delivered
            ? "saw it" + (p.delivered_at ? " at " + new Date(p.delivered_at).toLocaleTimeString() : "")
            : "has not seen it"];
          let first = true;
          p.events.forEach(function (e) {
            if (e.type === "delivered" && first && p.delivered) { first = false; return; }
            steps.push(TIMELINE_WORDS[e.type] ? TIMELINE_WORDS[e.type](e) : e.type);
          });
          if (p.events.length === 0) { steps.push("did nothing since"); }
          li.textContent = p.username + ": " + steps.join(" · ");
          list.appendChild(li);
        });
        if (!answer.body.participants.length) {
          box.textContent = "nobody else is in the room";
        }
        box.appendChild(list);
        if (!answer.body.complete) {
          const note = document.createElement("p");
          note.textContent = "the daemon no longer holds all of it (kept in memory, within a budget)";
          box.appendChild(note);
        }
        const link = document.createElement("a");
        link.className = "download";
        link.href = "/observe/timeline.jsonl?" + journalQuery({});
        link.download = "timeline-" + room + ".jsonl";
        link.textContent = "download the room's timeline (JSONL)";
        box.appendChild(link);
      })
      .catch(function () { box.textContent = "the timeline could not be loaded"; });
  }

  // A welcome starts the page afresh: the conversation so far follows it.
  function welcome(frame) {
    clear();
    live = frame.mode !== "replay";
    document.body.classList.toggle("live", live);
    document.getElementById("mode").textContent = frame.mode === "replay" ? "replay" : "live";
    speed.disabled = frame.mode !== "replay";
    (frame.participants || []).forEach(presence);
    // After the kept frames that follow the welcome have been taken in.
    setTimeout(maybeLoadOlder, 0);
  }

  function handle(frame) {
    switch (frame.type) {
      case "welcome": welcome(frame); break;
      case "chat_message": chatMessage(frame); break;
      case "activity": activity(frame); break;
      case "presence": presence(frame); break;
      default: break; // pong and anything newer: nothing to show
    }
    scheduleSeen();
  }

  // A daemon with access control wants a key that may observe. A browser cannot set headers
  // on a WebSocket, so the key goes as the access_token parameter (RFC 6750); it is kept for
  // this tab only.
  const KEY = "parley-observe-key";

  function observePath() {
    const query = new URLSearchParams();
    if (room) { query.set("room", room); }
    const key = sessionStorage.getItem(KEY);
    if (key) { query.set("access_token", key); }
    const text = query.toString();
    return "/observe" + (text ? "?" + text : "");
  }

  // A refused upgrade only shows as a closed socket: ask plainly why, and ask for a key on 401/403.
  function askForKey(retry) {
    fetch(observePath(), { cache: "no-store" }).then(function (r) {
      if (r.status !== 401 && r.status !== 403) {
        return false;
      }
      return r.json().then(function (body) {
        const key = window.prompt("This Parley daemon needs an access key that may observe this room"
          + (body.error ? " (" + body.error + ")" : "") + ". Key:");
        if (!key || !key.trim()) {
          connection.className = "closed";
          connection.textContent = "no access: reload to enter a key";
          return true;
        }
        sessionStorage.setItem(KEY, key.trim());
        retryMs = 1000;
        connect();
        return true;
      });
    }).catch(function () { return false; }).then(function (handled) {
      if (!handled) { retry(); }
    });
  }

  // Older messages, loaded when the conversation view is scrolled to the top: the page before the
  // oldest message shown (by its id, which the page does not read), from /observe/history.
  const olderStatus = document.getElementById("older");
  const older = { loading: false, done: false, generation: 0 };

  function showOlder(state, text) {
    olderStatus.dataset.state = state;
    olderStatus.textContent = text;
  }

  // A new welcome starts afresh; a load still under way for the old one is ignored.
  function resetOlder() {
    older.generation++;
    older.loading = false;
    older.done = false;
    showOlder("", "");
  }

  function historyPath() {
    const query = new URLSearchParams();
    query.set("room", room);
    const oldest = transcript.querySelector(":scope > [data-message-id]");
    if (oldest) { query.set("before", oldest.dataset.messageId); }
    query.set("limit", "50");
    const key = sessionStorage.getItem(KEY);
    if (key) { query.set("access_token", key); }
    return "/observe/history?" + query.toString();
  }

  function maybeLoadOlder() {
    if (!room || view !== "conversation" || older.loading || older.done || window.scrollY > 40) {
      return;
    }
    const generation = older.generation;
    older.loading = true;
    showOlder("loading", "loading older messages…");
    fetch(historyPath(), { cache: "no-store" }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (answer) {
      if (generation !== older.generation) {
        return;
      }
      older.loading = false;
      if (!answer.ok) {
        // Nothing to load here (a replay, a room not made yet, no access): stop asking.
        older.done = true;
        showOlder("done", "");
        return;
      }
      const frames = answer.body.frames || [];
      prependOlder(frames);
      // The page just loaded, once: older than the newest 500, no frame asks for it again.
      const seqs = frames.map(function (f) { return f.seq; }).filter(Boolean);
      if (live && seqs.length) { askSeen(Math.min.apply(null, seqs), Math.max.apply(null, seqs)); }
      older.done = !answer.body.has_more;
      showOlder(older.done ? "done" : "",
        older.done && transcript.firstChild ? "the start of the conversation" : "");
      maybeLoadOlder(); // still at the top when the page does not fill the window
    }).catch(function () {
      if (generation === older.generation) {
        older.loading = false;
        showOlder("failed", "older messages could not be loaded: scroll up to try again");
      }
    });
  }

  // Puts older messages above everything shown, keeping what is on screen where it is. Those
  // from the first one already shown on (it came live meanwhile) are left out.
  function prependOlder(frames) {
    const fresh = document.createDocumentFragment();
    for (const frame of frames) {
      if (!frame.message_id || shownIds.has(frame.message_id)) {
        break;
      }
      fresh.appendChild(messageTurn(frame, frame.parsed_content || {}));
    }
    if (!fresh.firstChild) {
      return;
    }
    const height = document.documentElement.scrollHeight;
    const y = window.scrollY;
    transcript.insertBefore(fresh, transcript.firstChild);
    empty.hidden = true;
    window.scrollTo(0, y + document.documentElement.scrollHeight - height);
  }

  window.addEventListener("scroll", maybeLoadOlder, { passive: true });

  function connect() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const url = scheme + "//" + location.host + observePath();
    connection.className = "connecting";
    connection.textContent = "connecting…";
    const ws = new WebSocket(url);
    let opened = false;
    socket = ws;
    ws.onopen = function () {
      opened = true;
      retryMs = 1000;
      connection.className = "open";
      connection.textContent = "connected";
      pinger = setInterval(function () { ws.send(JSON.stringify({ type: "ping" })); }, 20000);
    };
    ws.onmessage = function (event) {
      const frame = JSON.parse(event.data);
      if (paused && frame.type !== "welcome" && frame.type !== "pong") {
        held.push(frame);
      } else {
        handle(frame);
      }
    };
    ws.onclose = function () {
      clearInterval(pinger);
      if (socket !== ws) {
        return; // replaced on purpose (another room)
      }
      const retry = function () {
        connection.className = "closed";
        connection.textContent = "reconnecting in " + Math.round(retryMs / 1000) + " s";
        setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, 30000); // exponential backoff
      };
      if (opened) { retry(); } else { askForKey(retry); }
    };
  }

  // The label is a link to what is watched, to copy and share.
  function showRoom() {
    const label = document.getElementById("room-label");
    label.textContent = room ? "room " + room : "all rooms";
    label.href = room ? "?room=" + encodeURIComponent(room) : location.pathname;
  }

  function clear() {
    people.clear();
    colors.clear();
    chips.clear();
    pending.clear();
    openCalls.clear();
    shownIds.clear();
    said.clear();
    resetOlder();
    rooms.clear();
    roomList.innerHTML = "";
    transcript.innerHTML = "";
    strip.innerHTML = "";
    columns.innerHTML = "";
    systemLine.textContent = "";
    empty.hidden = false;
  }

  gear.addEventListener("click", function () {
    panel.hidden = !panel.hidden;
    gear.setAttribute("aria-expanded", String(!panel.hidden));
  });
  panel.addEventListener("submit", function (event) {
    event.preventDefault();
    room = roomInput.value.trim();
    const url = new URL(location.href);
    if (room) { url.searchParams.set("room", room); } else { url.searchParams.delete("room"); }
    history.replaceState(null, "", url);
    showRoom();
    clear();
    const old = socket;
    socket = null;
    if (old) { old.close(); }
    connect();
  });
  pauseButton.addEventListener("click", function () {
    paused = !paused;
    pauseButton.setAttribute("aria-pressed", String(paused));
    pauseButton.textContent = paused ? "Resume" : "Pause";
    if (!paused) {
      held.forEach(handle);
      held = [];
    }
  });
  document.getElementById("clear").addEventListener("click", clear);
  speed.addEventListener("change", function () {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: "control", slowdown: Number(speed.value) }));
    }
  });

  connect();
})();
