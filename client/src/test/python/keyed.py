"""With AccessKeyTest: joins a daemon that runs with access control, its key from PARLEY_KEY."""

from parley_chat import AsyncChatRoom

from peer import mark

room = AsyncChatRoom()
mark("joined")
room.append("keyed hello")
room.push()
mark("pushed")
room.close()
