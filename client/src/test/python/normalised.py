"""With NormalisedNameTest: a fullwidth name, as the server gives it back, and the floor it holds."""

from parley_chat import AsyncChatRoom

from peer import mark

room = AsyncChatRoom()
print(room.username, flush=True)
print(room.talking_stick(), flush=True)
mark("done")
room.close()
