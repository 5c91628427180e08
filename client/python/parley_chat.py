"""Parley chat rooms from Python: the AsyncChatRoom of the README, on Parley's JSON-RPC API.

Standard library only, so that an agent runner can copy this one file next to its own code
(or put its folder on PYTHONPATH) and install nothing. It behaves like the Java client
(dev.parley.client.AsyncChatRoom): every action returns the messages that arrived since the
last one as ``Sender: content`` lines, "" when none, plus a bracketed notice where something
did not go as asked::

    from parley_chat import AsyncChatRoom

    chatroom = AsyncChatRoom()            # PARLEY_URL, PARLEY_USER, PARLEY_ROOM
    print(chatroom.check())               # ChatGPT: anyone here?
    print(chatroom.append("yeah, i'm here"))
    print(chatroom.push())

With ``on_messages``, the room uses the daemon's WebSocket door (/rpc/ws, RFC 6455 written
here on the standard library's sockets) and subscribes: the others' messages are handed to
``on_messages`` the moment they arrive, without a check, and each call returns only its
notices::

    chatroom = AsyncChatRoom(on_messages=lambda lines: print(lines))
"""

import base64
import hashlib
import http.client
import itertools
import json
import logging
import os
import random
import socket
import ssl
import struct
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import OrderedDict
from datetime import timedelta

__all__ = ["AsyncChatRoom", "ParleyError", "ConnectionLost", "DEFAULT_SERVER", "DEFAULT_ROOM"]

DEFAULT_SERVER = "http://127.0.0.1:8890"
DEFAULT_ROOM = "lobby"
# How long one call keeps retrying an unreachable server: long enough for a daemon restart.
DEFAULT_RETRY_SECONDS = 120.0

_FIRST_BACKOFF = 0.1
_MAX_BACKOFF = 5.0
# How often a socket is pinged, in seconds: one that brings nothing (not even a pong) for three of
# these is taken for dead, since a network that broke may never say so itself.
DEFAULT_HEARTBEAT_SECONDS = 20.0
# Sequence numbers remembered so that recovered messages are not handed out twice; bounded so a
# long-running agent does not grow without end.
_SEEN_MEMORY = 4096
# A call may take as long as the longest check (60 s cap by default), so wait beyond it.
_READ_TIMEOUT = 90.0

# The error codes of spec/openrpc.json that the room handles itself.
NO_DRAFT = 40001
RATE_LIMITED = 40003
CONTENT_POLICY = 40004
NOT_LOGGED_IN = 40010
FLOOR_HELD = 40012
PUSH_HELD = 40014

LOG = logging.getLogger("parley_chat")


class ParleyError(Exception):
    """A JSON-RPC error that the room does not turn into a notice, as the server sent it.

    ``code`` is the error code (see the README's table), ``message`` its message and ``data``
    its ``data`` member (None when absent), so a caller can tell the cases apart.
    """

    def __init__(self, code, message, data=None):
        text = "%s (%s)" % (message, code) if data is None else "%s (%s): %s" % (message, code, data)
        super().__init__(text)
        self.code = code
        self.message = message
        self.data = data


class ConnectionLost(ConnectionError):
    """The daemon could not be reached, or the connection broke before its answer arrived.

    Raised only once the retry window has passed: until then the room retries by itself.
    """


class AsyncChatRoom:
    """A participant of one Parley room, as the README's transcript uses it.

    It rides out a refused connection or a restarted server: it retries with backoff, takes
    its session back (draft and cursor intact), hands over the messages a lost response
    carried, and sends every append, undo, reset and push with a txn_id that its retry
    repeats, so nothing is done twice. Thread-safe:
    calls may overlap, such as a check in one thread while another appends.
    """

    def __init__(self, server=None, username=None, room=None, retry_for=DEFAULT_RETRY_SECONDS, key=None,
                 on_messages=None, on_reachable=None, heartbeat=DEFAULT_HEARTBEAT_SECONDS):
        """Joins ``room`` on ``server`` as ``username``.

        Each argument left out comes from the environment, as an agent runner sets it:
        PARLEY_URL (default http://127.0.0.1:8890), PARLEY_USER (required: there is no
        sensible default name), PARLEY_ROOM (default lobby) and PARLEY_KEY (the access key of
        a daemon run with ``--auth keys``; none by default). ``retry_for`` is how many seconds
        one call keeps retrying an unreachable server.

        ``on_messages``, when given, makes the room talk over a WebSocket (/rpc/ws) and
        subscribe: it is called with the ``Sender: content`` lines of the messages as they
        arrive (each message once, from the socket's reader thread), and the calls' own
        text holds only their notices. When the socket closes, the room opens another and
        subscribes again by itself; ``on_reachable``, when given, is called with False when
        that met no daemon for a whole retry window (it goes on trying) and with True once it
        is subscribed again after that. The socket is pinged every ``heartbeat`` seconds; one
        that brings nothing for three of them is taken for dead, and subscribed again.
        """
        server = server or _env("PARLEY_URL", DEFAULT_SERVER)
        self._username = username or _required_env("PARLEY_USER")
        self._room = room or _env("PARLEY_ROOM", DEFAULT_ROOM)
        self._key = key or _env("PARLEY_KEY", None)
        parsed = urllib.parse.urlsplit(server)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError("Not a server address: %r (expected e.g. %s)" % (server, DEFAULT_SERVER))
        self._server = server
        self._endpoint = urllib.parse.urljoin(server, "/rpc")
        self._retry_for = _seconds(retry_for)
        self._session = None
        self._ids = itertools.count(1)
        # Guards everything below: calls may overlap (a check waiting while another appends).
        self._lock = threading.Lock()
        self._seen = OrderedDict()
        self._recovered = []
        self._notices = []
        self._last_seen = 0
        self._draft_length = 0
        self._on_messages = on_messages
        self._on_reachable = on_reachable
        self._heartbeat = _seconds(heartbeat)
        self._socket = None
        self._socket_lock = threading.Lock()
        self._closed = False

        def login():
            return self._rpc("login", {"username": self._username, "room": self._room, "key": self._key,
                                       "subscribe": True if on_messages else None})

        joined = self._retrying(login, login)
        # The server's form of the name (NFKC: a fullwidth name logs in as ASCII) is the one its
        # messages and mentions carry.
        self._username = joined["username"]
        self._moderator = joined.get("moderator") is True
        self._context = list(joined["messages"])
        # The most messages one answer delivers: what one lost answer can have carried.
        self._answer_messages = joined["limits"]["response_messages"]
        self._answer_bytes = joined["limits"]["response_bytes"]
        with self._lock:
            for m in joined["messages"]:
                self._see(m)

    @property
    def username(self):
        """This participant's name, as the server gave it back (normalised to NFKC)."""
        return self._username

    @property
    def room(self):
        """The room."""
        return self._room

    def context(self):
        """The room's recent messages from before this login, so a joiner knows what was said."""
        return _lines(self._context, None)

    def check(self, timeout=None, wake_on=None):
        """Waits for messages and returns them; "" when none came.

        ``timeout`` is in seconds (or a timedelta); None leaves the wait to the server (25 s).
        ``wake_on="mention"`` ends the wait early only for a message that names this
        participant; every message that arrived is returned all the same.
        """
        ms = None if timeout is None else int(_seconds(timeout) * 1000)
        params = {"timeout_ms": ms, "wake_on": wake_on}

        def after_resume():
            # What the lost answer carried was recovered: hand it over instead of waiting again.
            with self._lock:
                if self._recovered:
                    return {"status": 1, "messages": []}
            return self._rpc("check", params)

        r = self._call(lambda: self._rpc("check", params), after_resume)
        return self._text(r, None)

    def note(self, kind, content):
        """Shows observers (the viewer, the room's log) what this participant is thinking or
        doing: ``kind`` is "thinking", "tool_call" or "tool_response". Never delivered as chat."""
        self._call(lambda: self._rpc("note", {"kind": kind, "content": content}))

    def append(self, text):
        """Adds ``text`` to the draft; says so when it was cut to the limit or refused."""
        try:
            r = self._mutate("append", {"text": text})
        except ParleyError as e:
            if e.code == FLOOR_HELD:
                return self._text(None, "[not appended: " + _floor_held(e) + "]")
            if e.code == CONTENT_POLICY:
                return self._text(None, "[not appended: the text breaks the content policy: " + _detail(e) + "]")
            raise
        self._set_draft_length(r["draft_length"])
        return self._text(r, _append_notice(r))

    def undo(self):
        """Removes the draft's last segment."""
        r = self._mutate("undo", {})
        self._set_draft_length(r["draft_length"])
        return self._text(r, _undo_notice(r))

    def push(self):
        """Sends the draft, unless messages arrived meanwhile (then it says so and keeps the draft)."""
        try:
            r = self._mutate("push", {})
        except ParleyError as e:
            if e.code == NO_DRAFT:
                return self._text(None, "[nothing to push: the draft is empty]")
            if e.code == FLOOR_HELD:
                return self._text(None, "[not sent: " + _floor_held(e) + "]")
            if e.code == PUSH_HELD:
                return self._text(None, _push_held(e))
            raise
        if r["status"] == 1:
            self._set_draft_length(0)
        return self._text(r, _push_notice(r))

    def reset(self):
        """Discards the draft and gives up the talking stick."""
        r = self._mutate("reset", {})
        self._set_draft_length(0)
        return self._text(r, None)

    def preview(self):
        """Shows the whole draft, so the caller can read what it would push."""
        r = self._call(lambda: self._rpc("preview"))
        return self._text(r, _preview_notice(r))

    def talking_stick(self):
        """Claims the floor."""
        r = self._call(lambda: self._rpc("talking_stick"))
        return self._text(r, _talking_stick_notice(r, self._username))

    @property
    def moderator(self):
        """Whether this session may moderate the room, as its login said."""
        return self._moderator

    def mute(self, user, for_ms=None):
        """Refuses ``user``'s pushes for ``for_ms`` (None: until unmuted). A moderator's."""
        return self._moderate("mute", {"user": user, "for_ms": for_ms}, user + " is muted")

    def unmute(self, user):
        """Lets ``user`` push again. A moderator's."""
        return self._moderate("unmute", {"user": user}, user + " may speak")

    def remove(self, user, for_ms=None):
        """Sends ``user`` out of the room and bars the name for ``for_ms`` (None: the daemon's
        default). A moderator's."""
        return self._moderate("remove", {"user": user, "for_ms": for_ms}, user + " is out of the room")

    def pause(self):
        """Stops everyone's pushes but moderators' until ``resume``. A moderator's."""
        return self._moderate("pause", {}, "the room is paused")

    def resume(self):
        """Ends a pause. A moderator's."""
        return self._moderate("resume", {}, "the room is resumed")

    def continue_(self):
        """Lets the agents go on past the loop guard (the protocol's ``continue``). A moderator's."""
        return self._moderate("continue", {}, "the agents may go on")

    def _moderate(self, method, params, what):
        given = {k: v for k, v in params.items() if v is not None}
        r = self._call(lambda: self._rpc(method, given))
        return self._text(r, "[" + what + "]" if r["status"] == 1 else "[nothing to change: " + what + " already]")

    def participants(self):
        """Says who is in the room and what each is doing."""
        r = self._call(lambda: self._rpc("participants"))
        return self._text(r, _participants_notice(r))

    def receipts(self, message_id):
        """Says who has seen the message ``message_id`` (and who writes since), and who has not."""
        r = self._call(lambda: self._rpc("receipts", {"message_id": message_id}))
        return self._text(r, _receipts_notice(r))

    def timeline(self, message_id):
        """Says what each participant was given and did after the message ``message_id``."""
        r = self._call(lambda: self._rpc("timeline", {"message_id": message_id}))
        return self._text(r, _timeline_notice(r))

    def close(self):
        """Logs out, so the room sees this participant leave at once rather than at expiry."""
        self._closed = True
        try:
            self._rpc("logout")
        except (ParleyError, ConnectionLost) as e:
            # Leaving cannot usefully fail: the session expires on its own.
            LOG.debug("Logout of %s failed: %s", self._username, e)
        finally:
            ws = self._socket
            if ws is not None:
                ws.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # -- calls ---------------------------------------------------------------------------

    def _rpc(self, method, params=None, http=False):
        """One JSON-RPC call, with the session; keeps the token of a login. Over the socket when
        the room listens (but with ``http``), else over HTTP."""
        request = {"jsonrpc": "2.0", "id": next(self._ids), "method": method}
        if params:
            # Optional params left None are absent: the spec allows no null param.
            present = {k: v for k, v in params.items() if v is not None}
            if present:
                request["params"] = present
        if self._on_messages is not None and not http:
            answer = self._over_socket(request)
        else:
            answer = self._over_http(request)
        if not isinstance(answer, dict) or ("result" not in answer and "error" not in answer):
            raise ConnectionLost("No JSON-RPC answer from %s: %.200r" % (self._server, answer))
        error = answer.get("error")
        if error is not None:
            if not isinstance(error, dict):
                raise ParleyError(None, str(error))
            raise ParleyError(error.get("code"), error.get("message"), error.get("data"))
        result = answer["result"]
        if method == "login":
            self._session = result["session"]
        elif method == "logout":
            self._session = None
        return result

    def _recover_after(self, after):
        """Hands over, a page at a time, the messages after ``after`` that the daemon would have
        delivered (exclude_own), but for those handed over already; over HTTP."""
        while True:
            page = self._rpc("history", {"after": after, "exclude_own": True}, http=True)
            for m in page["messages"]:
                after = m["seq"]
            self._hand_over(page)
            if not page["has_more"] or not page["messages"]:
                return

    def _over_socket(self, request):
        """One call on the room's socket, opened (bound by the session) when there is none;
        a socket opened for a subscribed session subscribes again first, so that nothing that
        arrived meanwhile is missed."""
        with self._socket_lock:
            ws = self._socket
            if ws is None or ws.ended:
                ws = _Socket(self._server, self._session, self._notified, self._socket_ended,
                             self._heartbeat)
                self._socket = ws
                if self._session is not None and request["method"] not in ("login", "subscribe"):
                    answer = ws.call({"jsonrpc": "2.0", "id": next(self._ids), "method": "subscribe"})
                    if "result" in answer:
                        self._notified({"messages": answer["result"]["messages"]})
        return ws.call(request)

    def _notified(self, params):
        """A ``messages`` notification (or what a resubscription handed over)."""
        with self._lock:
            out = [m for m in params.get("messages", []) if self._see(m)]
        if out and self._on_messages is not None:
            self._on_messages(_lines(out, None))

    def _socket_ended(self, ws):
        """A subscribed socket closed: take it back (with the usual retrying) unless leaving.
        A room that only listens makes no call that would bring the subscription back, so past
        the retry window this goes on trying, at the longest backoff, and says so through
        ``on_reachable``."""
        if self._closed or ws is not self._socket:
            return

        def rejoin():
            lost = False
            while not self._closed:
                try:
                    # What the daemon wrote to the lost socket may never have arrived (a network
                    # that broke swallows it): the log past what was handed over comes first, read
                    # over HTTP so that no subscription hands newer messages over before it; then
                    # the subscription's answer. Both go to on_messages like notifications.
                    with self._lock:
                        start = self._last_seen
                    self._call(lambda: self._recover_after(start))
                    self._hand_over(self._call(lambda: self._rpc("subscribe")))
                except ConnectionLost as e:
                    if self._closed:
                        return
                    if not lost:
                        lost = True
                        LOG.warning("%s: no daemon to subscribe again (%s); still trying", self._username, e)
                        if self._on_reachable is not None:
                            self._on_reachable(False)
                    time.sleep(_MAX_BACKOFF)
                    continue
                except ParleyError as e:
                    LOG.warning("%s: the daemon refused to subscribe again: %s", self._username, e)
                    return
                if lost and self._on_reachable is not None:
                    self._on_reachable(True)
                return

        threading.Thread(target=rejoin, name="parley-rejoin", daemon=True).start()

    def _over_http(self, request):
        """One call over HTTP."""
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        token = self._session
        if token is not None:
            headers["Authorization"] = "Bearer " + token
        req = urllib.request.Request(self._endpoint, data=json.dumps(request).encode("utf-8"),
                                     headers=headers, method="POST")
        try:
            try:
                with urllib.request.urlopen(req, timeout=_READ_TIMEOUT) as resp:
                    raw = resp.read()
            except urllib.error.HTTPError as e:
                # A JSON-RPC error may come with another status (413: a body over the limit).
                try:
                    raw = e.read()
                finally:
                    e.close()
        except (urllib.error.URLError, http.client.HTTPException, OSError) as e:
            # Refused, reset, timed out, or cut mid-answer: all mean "try again later".
            raise ConnectionLost("No answer from %s: %s" % (self._server, e)) from e
        try:
            return json.loads(raw.decode("utf-8"))
        except ValueError as e:
            # Not JSON (a proxy's error page, a truncated body): the answer was lost.
            raise ConnectionLost("No readable answer from %s: %s" % (self._server, e)) from e

    def _mutate(self, method, params):
        """A mutating call (append, undo, reset, push) with a txn_id of its own: its retry after a
        lost answer carries the same id, so the server answers with the first result instead of
        doing it twice."""
        params = dict(params, txn_id=str(uuid.uuid4()))
        return self._call(lambda: self._rpc(method, params))

    def _call(self, first, after_resume=None):
        """Runs ``first``; when the connection breaks or the session is gone, takes the
        session back and runs ``after_resume``."""
        after_resume = after_resume or first
        # What a lost answer of this call carried lies after what had been handed over when it
        # began, even if another thread's call hands over newer messages before this one resumes.
        with self._lock:
            start = self._last_seen
        attempts = [1]

        def again():
            self._resume(start, attempts[0])
            attempts[0] += 1
            return after_resume()

        return self._retrying(first, again)

    def _retrying(self, first, again):
        """Retries a lost connection or session with backoff for the retry window, and waits
        out a rate limit as the server asks."""
        deadline = time.monotonic() + self._retry_for
        backoff = _FIRST_BACKOFF
        failed = False
        while True:
            try:
                return again() if failed else first()
            except (ConnectionLost, ParleyError) as e:
                if isinstance(e, ParleyError) and e.code == RATE_LIMITED:
                    wait_ms = e.data.get("retry_after_ms") if isinstance(e.data, dict) else None
                    LOG.debug("%s: rate limited; waiting %s ms", self._username, wait_ms)
                    time.sleep((wait_ms if isinstance(wait_ms, (int, float)) else backoff * 1000) / 1000.0)
                    continue
                if isinstance(e, ParleyError) and e.code != NOT_LOGGED_IN:
                    raise
                # A moderator removed the session: its name may not come back for a while.
                if isinstance(e, ParleyError) and isinstance(e.data, dict) and e.data.get("reason") == "removed":
                    raise
                if time.monotonic() > deadline:
                    raise
                LOG.info("%s: %s; retrying", self._username, e)
                # Jitter, so that clients cut off together do not all come back at once.
                time.sleep(backoff + random.uniform(0, backoff / 2))
                backoff = min(backoff * 2, _MAX_BACKOFF)
                failed = True

    def _resume(self, start, lost_answers):
        """Takes the session back after a broken connection or a restarted server, and
        recovers the messages that a lost response carried from the room's history: with
        exclude_own, the server leaves out what this session caused, by the rule it delivers by."""
        r = self._rpc("login", {"username": self._username, "room": self._room, "resume": self._session,
                                "key": self._key, "subscribe": True if self._on_messages else None})
        after = start
        with self._lock:
            if not r["resumed"]:
                self._draft_length = 0
                self._notices.append("[the server had lost this session: rejoined %s with an empty draft]"
                                     % self._room)
        # Each attempt that may have reached the server delivered at most one answer's worth of
        # messages not handed out yet; later ones were never delivered and come by the cursor, so
        # reading on would only hold a backlog in memory.
        # An answer is bounded in messages and in bytes; so is what is held here (a message's
        # content stands for its size).
        bound = lost_answers * self._answer_messages
        byte_bound = lost_answers * self._answer_bytes
        missed = []
        missed_bytes = 0
        while True:
            page = self._rpc("history", {"after": after, "exclude_own": True})
            for m in page["messages"]:
                after = m["seq"]
                with self._lock:
                    handed_out = m["seq"] in self._seen
                if len(missed) < bound and missed_bytes < byte_bound and not handed_out:
                    missed.append(m)
                    missed_bytes += len(m["content"].encode("utf-8"))
            if (not page["has_more"] or not page["messages"] or len(missed) >= bound
                    or missed_bytes >= byte_bound):
                break
        with self._lock:
            held = {m["seq"] for m in self._recovered}
            self._recovered.extend(m for m in missed if m["seq"] not in held)

    # -- what the caller reads -----------------------------------------------------------

    def _text(self, r, notice):
        """What a call returns: its messages, after any recovered ones and each once, then the
        notices of a lost session, then the call's own notice (``r`` None: a call that failed)."""
        out = self._hand_over(r)
        with self._lock:
            notices = self._notices + ([notice] if notice is not None else [])
            self._notices = []
        return _lines(out, "\n".join(notices) if notices else None)

    def _hand_over(self, r):
        """The messages of a call (``r`` None: one that failed), after any recovered ones and each
        once: given to ``on_messages`` when there is one (then none are left to return)."""
        with self._lock:
            out = [m for m in self._recovered if self._see(m)]
            self._recovered = []
            for m in (r["messages"] if r is not None else []):
                if self._see(m):
                    out.append(m)
        if out and self._on_messages is not None:
            self._on_messages(_lines(out, None))
            return []
        return out

    def _see(self, m):
        """Marks a message handed out; False when it already was."""
        self._last_seen = max(self._last_seen, m["seq"])
        if m["seq"] in self._seen:
            return False
        self._seen[m["seq"]] = True
        if len(self._seen) > _SEEN_MEMORY:
            self._seen.popitem(last=False)
        return True

    def _get_draft_length(self):
        with self._lock:
            return self._draft_length

    def _set_draft_length(self, length):
        with self._lock:
            self._draft_length = length


class _Socket:
    """One client socket of /rpc/ws (RFC 6455: the opening handshake, masked text frames out,
    frames in, ping answered with pong, close), with a reader thread that hands answers to the
    calls waiting for their id and notifications to ``on_notified``. A call on a socket that
    breaks raises ConnectionLost; ``on_ended`` hears of the end."""

    _GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    def __init__(self, server, token, on_notified, on_ended, heartbeat):
        parsed = urllib.parse.urlsplit(server)
        secure = parsed.scheme == "https"
        host = parsed.hostname
        port = parsed.port or (443 if secure else 80)
        self.ended = False
        self._on_notified = on_notified
        self._on_ended = on_ended
        self._waiting = {}
        self._lock = threading.Lock()
        self._send_lock = threading.Lock()
        try:
            sock = socket.create_connection((host, port), timeout=10)
            if secure:
                sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
            key = base64.b64encode(os.urandom(16)).decode("ascii")
            lines = ["GET /rpc/ws HTTP/1.1", "Host: " + parsed.netloc, "Upgrade: websocket",
                     "Connection: Upgrade", "Sec-WebSocket-Key: " + key, "Sec-WebSocket-Version: 13"]
            if token is not None:
                lines.append("Authorization: Bearer " + token)
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("ascii"))
            self._file = sock.makefile("rb")
            status = self._file.readline().decode("latin-1")
            headers = {}
            while True:
                line = self._file.readline().decode("latin-1").strip()
                if not line:
                    break
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            expected = base64.b64encode(hashlib.sha1((key + self._GUID).encode("ascii")).digest()).decode()
            if " 101 " not in status + " " or headers.get("sec-websocket-accept") != expected:
                raise ConnectionLost("No WebSocket at %s: %s" % (server, status.strip()))
            # The reader waits as long as the socket lives; the daemon's pings keep it busy.
            sock.settimeout(None)
        except OSError as e:
            raise ConnectionLost("No answer from %s: %s" % (server, e)) from e
        self._sock = sock
        self._heartbeat = heartbeat
        self._heard = time.monotonic()
        threading.Thread(target=self._read, name="parley-socket", daemon=True).start()
        threading.Thread(target=self._beat, name="parley-socket-heartbeat", daemon=True).start()

    def _beat(self):
        """Pings the daemon; a socket silent for three heartbeats is shut, which ends the reader
        (and so the socket) as a closed one would."""
        while not self.ended:
            time.sleep(self._heartbeat)
            if self.ended:
                return
            if time.monotonic() - self._heard > 3 * self._heartbeat:
                LOG.info("the socket brought nothing for %.1f s: taken for dead", 3 * self._heartbeat)
                try:
                    self._sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                self._end()
                return
            try:
                self._send(0x9, b"")
            except ConnectionLost:
                return

    def call(self, request):
        """Sends one request and waits for its answer."""
        slot = {"done": threading.Event()}
        with self._lock:
            if self.ended:
                raise ConnectionLost("the socket closed")
            self._waiting[request["id"]] = slot
        try:
            self._send(0x1, json.dumps(request).encode("utf-8"))
            if not slot["done"].wait(_READ_TIMEOUT) or "answer" not in slot:
                raise ConnectionLost("no answer on the socket")
            return slot["answer"]
        finally:
            with self._lock:
                self._waiting.pop(request["id"], None)

    def close(self):
        try:
            self._send(0x8, struct.pack("!H", 1000))
        except ConnectionLost:
            pass
        self._end()

    def _send(self, opcode, payload):
        mask = os.urandom(4)
        n = len(payload)
        head = bytes([0x80 | opcode])
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack("!Q", n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        try:
            with self._send_lock:
                self._sock.sendall(head + mask + masked)
        except OSError as e:
            self._end()
            raise ConnectionLost("the socket broke: %s" % e) from e

    def _read(self):
        message = b""
        try:
            while True:
                b0, b1 = self._exactly(2)
                n = b1 & 0x7F
                if n == 126:
                    n = struct.unpack("!H", self._exactly(2))[0]
                elif n == 127:
                    n = struct.unpack("!Q", self._exactly(8))[0]
                payload = self._exactly(n)
                self._heard = time.monotonic()
                opcode = b0 & 0x0F
                if opcode == 0x9:
                    self._send(0xA, payload)
                elif opcode == 0x8:
                    return
                elif opcode in (0x0, 0x1):
                    message += payload
                    if b0 & 0x80:
                        self._received(message.decode("utf-8"))
                        message = b""
        except (OSError, ConnectionLost, ValueError):
            return
        finally:
            self._end()

    def _exactly(self, n):
        data = self._file.read(n)
        if data is None or len(data) < n:
            raise ConnectionLost("the socket closed")
        return data

    def _received(self, text):
        frame = json.loads(text)
        if isinstance(frame, dict) and "method" in frame and "id" not in frame:
            if frame["method"] == "messages":
                self._on_notified(frame.get("params", {}))
            return
        with self._lock:
            slot = self._waiting.get(frame.get("id") if isinstance(frame, dict) else None)
        if slot is not None:
            slot["answer"] = frame
            slot["done"].set()

    def _end(self):
        with self._lock:
            if self.ended:
                return
            self.ended = True
            waiting = list(self._waiting.values())
        for slot in waiting:
            slot["done"].set()
        try:
            self._sock.close()
        except OSError:
            pass
        self._on_ended(self)


# -- results as an LLM (or a person) reads them: the same text as the Java ChatText ---------

def _lines(messages, notice):
    """Messages as ``Sender: content`` lines, oldest first, then a notice line if any."""
    lines = [m["sender_id"] + ": " + m["content"] for m in messages]
    if notice is not None:
        lines.append(notice)
    return "\n".join(lines)


def _append_notice(r):
    if r["status"] == 2:
        return '[truncated: the last %s characters were dropped; the draft ends with "%s"]' % (
            r.get("truncated"), r["suffix"])
    if r["status"] == 0:
        return "[not appended: %s]" % r.get("reason")
    return None


def _push_notice(r):
    if r.get("interrupted") is not True:
        return None
    if r.get("reason") == "human_drafting":
        return "[not sent: a human is typing; check, then push again]"
    arrived = sum(1 for m in r["messages"] if m["kind"] == "chat")
    return "[not sent: %d new message%s arrived; push again to send it, or revise it first]" % (
        arrived, "" if arrived == 1 else "s")


def _push_held(e):
    """The notice of a push the room's moderation holds (40014); the draft is kept."""
    data = e.data if isinstance(e.data, dict) else {}
    reason = data.get("reason")
    if reason == "agent_run":
        run = data.get("agent_run")
        return ("[not sent: agents have sent %s message%s in a row with no person between them; wait (check) "
                "until a person speaks or a moderator lets the agents continue, then push again]") % (
                    run, "" if run == 1 else "s")
    if reason == "muted":
        until = data.get("until")
        return "[not sent: %s muted you%s; your draft is kept]" % (data.get("by"), " until " + until if until else "")
    if reason == "paused":
        return ("[not sent: %s paused the room; only moderators speak until it is resumed: check, then push "
                "again]") % data.get("by")
    return "[not sent: " + _detail(e) + "]"


def _undo_notice(r):
    return "[nothing to undo: the draft is empty]" if r["status"] == 0 else None


def _preview_notice(r):
    return "[draft: %s]" % r["draft"] if r["draft"] else "[the draft is empty]"


def _talking_stick_notice(r, me):
    if r["granted"] and r.get("holder") == me:
        return "[you have the talking stick]"
    return "[the talking stick is held by %s]" % r.get("holder")


def _participants_notice(r):
    who = ["%s (%s%s)" % (p["username"], p["state"], ", has the talking stick" if p["holds_stick"] else "")
           for p in r["participants"]]
    return "[in the room: " + ", ".join(who) + "]"


def _receipts_notice(r):
    if not r["receipts"]:
        return "[%s: nobody else is in the room]" % r["message_id"]
    seen = [p["username"] + (" (writing since)" if p["drafting_after"] else "")
            for p in r["receipts"] if p["delivered"]]
    unseen = [p["username"] for p in r["receipts"] if not p["delivered"]]
    notice = "[%s was seen by %s" % (r["message_id"], ", ".join(seen) if seen else "nobody")
    if unseen:
        notice += "; not yet seen by " + ", ".join(unseen)
    return notice + "]"


def _timeline_event(e):
    kind = e["type"]
    if kind == "draft_started":
        return "started a draft"
    if kind == "draft_changed":
        return "changed its draft (%s)" % e["action"]
    if kind == "push_interrupted":
        why = "a human was typing" if e.get("reason") == "human_drafting" else "new messages had arrived"
        return "its push was held back (%s)" % why
    if kind == "push_refused":
        detail = ": " + e["detail"] if e.get("detail") is not None else ""
        return "its push was refused (%s %s%s)" % (e["code"], e["error"], detail)
    if kind == "pushed":
        return "then sent " + e["message_id"]
    return None  # delivered: the first is "saw it", later ones say nothing about this message


def _timeline_notice(r):
    if not r["participants"]:
        return "[timeline of %s: nobody else is in the room]" % r["message_id"]
    who = []
    for p in r["participants"]:
        did = ["saw it" if p["delivered"] else "has not seen it"]
        did += [t for t in (_timeline_event(e) for e in p["events"]) if t is not None]
        if len(did) == 1:
            did.append("did nothing since")
        who.append(p["username"] + " " + ", ".join(did))
    complete = "" if r["complete"] else " (the daemon no longer holds all of it)"
    return "[timeline of %s: %s%s]" % (r["message_id"], "; ".join(who), complete)


def _floor_held(e):
    holder = e.data.get("holder") if isinstance(e.data, dict) else None
    if holder is None:
        return "this room needs the talking stick; claim it first"
    return "the floor is held by %s; claim the talking stick when it is free" % holder


def _detail(e):
    detail = e.data.get("detail") if isinstance(e.data, dict) else None
    return str(e) if detail is None else str(detail)


def _seconds(value):
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _env(name, fallback):
    value = os.environ.get(name)
    return fallback if value is None or not value.strip() else value


def _required_env(name):
    value = os.environ.get(name)
    if value is None or not value.strip():
        raise RuntimeError("%s is not set: say who you are, e.g. %s=claude" % (name, name))
    return value
