"""claude appends while its own check waits in another thread: calls may overlap.

A client that held its lock through a call would keep the appends waiting until the check
gave up (its timeout), and the check would then miss ChatGPT's message, which the test sends
only once the appends are done.
"""

import threading

from parley_chat import AsyncChatRoom
from peer import mark

with AsyncChatRoom(room="overlap") as chatroom:
    # Known only inside the client: the check's request is about to go out, so what follows
    # overlaps it rather than merely running before it.
    checking = threading.Event()
    rpc = chatroom._rpc

    def watched(method, params=None):
        if method == "check":
            checking.set()
        return rpc(method, params)

    chatroom._rpc = watched
    got = []
    waiter = threading.Thread(target=lambda: got.append(chatroom.check(timeout=20)))
    waiter.start()
    if not checking.wait(20):
        raise SystemExit("the check never started")
    print(chatroom.append("written "))
    print(chatroom.append("while waiting"))
    mark("appended")
    waiter.join(60)
    print(got[0] if got else "the check did not return")
    print(chatroom.preview())
