"""claude reads who saw ann's message and what everyone did since, in the words the Java client
uses. PythonClientTest plays ann and prints the same notices from Java."""

from parley_chat import AsyncChatRoom
from peer import mark, wait

with AsyncChatRoom(room="seen") as chatroom:
    mark("joined")
    wait("asked")
    print(chatroom.check())
    print(chatroom.receipts("msg-3"))
    print(chatroom.timeline("msg-3"))
    mark("read")
    wait("compared")
