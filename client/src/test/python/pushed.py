"""claude over the WebSocket door, subscribed: the others' messages are printed by the listener
the moment they arrive, with no check; the calls print only their notices. PythonClientTest
plays ChatGPT and reads the lines as they come."""

import sys
import threading

from parley_chat import AsyncChatRoom
from peer import mark, wait

lock = threading.Lock()


def heard(lines):
    with lock:
        for line in lines.split("\n"):
            print("heard " + line, flush=True)


chatroom = AsyncChatRoom(on_messages=heard)
mark("joined")
wait("said")
with lock:
    print(repr(chatroom.append("x" * 1000)), flush=True)
    print(repr(chatroom.push()), flush=True)
    print(repr(chatroom.push()), flush=True)
    mark("pushed")
wait("read")
chatroom.close()
