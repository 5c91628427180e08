"""claude, an agent, in a room whose creator ann (a person) moderates it and whose loop guard
stops agents after two messages in a row; PythonClientTest plays ann and ChatGPT and holds
each notice against Java's words."""

from parley_chat import AsyncChatRoom
from peer import mark, wait

with AsyncChatRoom(room="moderated") as chatroom:
    print(chatroom.moderator)
    mark("joined")
    wait("spoke")
    chatroom.check()
    chatroom.append("two")
    print(chatroom.push())
    mark("pushed")
    wait("muted")
    chatroom.check()
    chatroom.append("three")
    print(chatroom.push())
    mark("held")
    wait("unmuted")
    print(chatroom.push())
    mark("guarded")
    wait("paused")
    print(chatroom.push())
    mark("done")
    wait("read")
