"""claude over the WebSocket door, only listening, with a short heartbeat: the network goes quiet
under its socket without closing it, and the room takes the socket for dead and subscribes again.
PythonClientTest plays ChatGPT and stalls the relay between them."""

import threading

from parley_chat import AsyncChatRoom
from peer import mark, wait

lock = threading.Lock()


def heard(lines):
    with lock:
        for line in lines.split("\n"):
            print("heard " + line, flush=True)


chatroom = AsyncChatRoom(on_messages=heard, heartbeat=0.2)
mark("joined")
wait("done")
chatroom.close()
