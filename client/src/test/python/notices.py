"""The bracketed notices, printed by claude in Python; PythonClientTest plays ChatGPT.

Room "notices" is open, room "stage" needs the talking stick (the test's server says so).
"""

from parley_chat import AsyncChatRoom, ParleyError
from peer import mark, wait

with AsyncChatRoom(room="notices") as chatroom:
    print(chatroom.context())
    print(chatroom.push())
    print(chatroom.undo())
    print(chatroom.append("x" * 1010))
    print(chatroom.append(""))
    print(chatroom.append("\u0007 ring"))
    print(chatroom.preview())
    mark("drafted")
    wait("said")
    print(chatroom.push())
    print(chatroom.push())
    print(chatroom.talking_stick())
    print(chatroom.participants())
    print(chatroom.append("to undo"))
    print(chatroom.undo())
    print(chatroom.reset())
    print(chatroom.preview())
    try:
        chatroom.check(timeout=-1)
    except ParleyError as e:
        print("ParleyError %s %s" % (e.code, e.data["pointer"]))
    mark("done")
    wait("read")  # ChatGPT read all of it before claude leaves

with AsyncChatRoom(room="stage") as stage:
    print(stage.append("may I?"))
    mark("refused")
    wait("claimed")
    print(stage.append("may I now?"))
    print(stage.talking_stick())
    print(stage.push())
    mark("done")
