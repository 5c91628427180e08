"""claude's append loses its answer, and before its retry takes the session back another of its
calls hands over a newer message: the lost answer's message must still come, once.

PythonClientTest relays claude through a proxy that loses the answer of the next append and
holds the login of the retry's resume; the comments say what each call must print.
"""

import threading

from parley_chat import AsyncChatRoom
from peer import mark, wait

with AsyncChatRoom(room="recovery", retry_for=60) as chatroom:
    mark("joined")
    wait("cut")                               # ChatGPT said "before the cut"; the answer is lost
    appended = []
    appender = threading.Thread(target=lambda: appended.append(chatroom.append("hello")))
    appender.start()
    wait("meanwhile")                         # the resume is held; ChatGPT said "while resuming"
    print(chatroom.participants().splitlines()[0])  # ChatGPT: while resuming
    mark("delivered")
    appender.join(60)
    print(appended[0] if appended else "the append never returned")  # ChatGPT: before the cut
    print(chatroom.check(timeout=0))          # (nothing): every message came once
    mark("done")
