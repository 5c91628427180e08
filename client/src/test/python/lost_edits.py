"""claude's draft edits lose their answers, and each is done once all the same.

PythonClientTest relays claude through a proxy that loses the answer of the next call of a
method it names; the comments say what each call must print.
"""

from parley_chat import AsyncChatRoom
from peer import mark, wait

chatroom = AsyncChatRoom(retry_for=60)
mark("joined")
wait("cut")                                 # the answer of the next append is lost
print(chatroom.append("one "))              # (nothing): retried with its txn_id, appended once
mark("edited")
wait("cut")
print(chatroom.append("two"))               # (nothing)
mark("edited")
wait("cut")                                 # the answer of the next undo is lost
print(chatroom.undo())                      # (nothing): one segment removed, not two
print(chatroom.preview())                   # [draft: one ]
mark("edited")
wait("cut")                                 # the answer of the next reset is lost
print(chatroom.reset())                     # (nothing)
print(chatroom.append("three"))             # (nothing)
print(chatroom.preview())                   # [draft: three]
mark("done")

chatroom.close()
