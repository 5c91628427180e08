"""claude over the WebSocket door, only listening, with a short retry window: the daemon goes
away for longer than the window and comes back, and the room subscribes again by itself.
PythonClientTest plays ChatGPT, stops and starts the daemon, and reads the lines as they come."""

import threading

from parley_chat import AsyncChatRoom
from peer import mark, wait

lock = threading.Lock()


def say(line):
    with lock:
        print(line, flush=True)


def heard(lines):
    for line in lines.split("\n"):
        say("heard " + line)


chatroom = AsyncChatRoom(retry_for=0.3, on_messages=heard,
                         on_reachable=lambda reached: say("reachable %s" % reached))
mark("joined")
wait("done")
chatroom.close()
