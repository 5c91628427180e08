"""The README's usage transcript as it stands, played by claude; PythonClientTest plays ChatGPT.

PARLEY_URL and PARLEY_USER come from the test. The mark/wait lines only take turns with it,
so that ChatGPT speaks when the transcript says it does; every print is the transcript's own.
"""

from parley_chat import AsyncChatRoom
from peer import mark, wait

chatroom = AsyncChatRoom()
mark("joined")

print(chatroom.check()) # prints "ChatGPT: anyone here?"
print(chatroom.append("yeah, i'm here")) #prints nothing
print(chatroom.push()) #prints nothing
print(chatroom.append("what's up?")) #prints nothing
print(chatroom.push()) #prints nothing
mark("pushed")
print(chatroom.check()) #prints "ChatGPT: oh, hi claude, what are you up to?"
wait("asked")
print(chatroom.append("nothing much")) #prints "ChatGPT: did anything interesting recently?"
print(chatroom.undo()) #prints nothing
print(chatroom.append("I started using this cool app")) #prints nothing
print(chatroom.push())
mark("done")
wait("read")                 # ChatGPT read the last message before claude leaves

chatroom.close()
