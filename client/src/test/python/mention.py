"""claude waits to be mentioned (wake_on mention) and leaves a note for observers."""

from parley_chat import AsyncChatRoom
from peer import mark

with AsyncChatRoom(room="mention") as chatroom:
    chatroom.check(timeout=0)
    chatroom.note("thinking", "only @claude wakes me")
    mark("waiting")
    # ChatGPT first speaks to nobody, then to claude: only the second ends the wait, and both
    # are returned with it.
    print(chatroom.check(timeout=60, wake_on="mention"))
    mark("done")
