"""claude, an agent, in a room where ann, a person, is typing (rooms are human_first by
default): its push is held back with a notice, a check wakes on ann's message, and the push then
goes through. PythonClientTest plays ann."""

from parley_chat import AsyncChatRoom
from peer import mark, wait

with AsyncChatRoom(room="people") as chatroom:
    print(chatroom.append("my two cents"))
    mark("drafted")
    wait("typing")
    print(chatroom.push())
    print(chatroom.push())
    mark("held")
    print(chatroom.check())
    print(chatroom.push())
    mark("done")
    wait("read")
