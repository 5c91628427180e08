"""claude calls faster than the test's daemon allows; every call waits its turn and lands.

Prints what each call returns, then how many times the server said "too fast" (40003), so
that the test knows the limit was hit and not merely never reached.
"""

import logging

from parley_chat import AsyncChatRoom


class Count(logging.Handler):
    """Counts the room's rate-limit waits, which it logs at DEBUG."""

    waits = 0

    def emit(self, record):
        if "rate limited" in record.getMessage():
            Count.waits += 1


log = logging.getLogger("parley_chat")
log.setLevel(logging.DEBUG)
log.addHandler(Count())

with AsyncChatRoom(room="busy") as chatroom:
    print(chatroom.append("one"))
    print(chatroom.append(", two"))
    print(chatroom.append(", three"))
    print(chatroom.preview())
    print("waited" if Count.waits > 0 else "never limited")
