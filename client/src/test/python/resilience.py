"""claude rides out a stopped daemon, lost answers and a daemon that lost its session.

PythonClientTest plays ChatGPT, stops and starts daemons, and tells its relay between this
script and the daemon when to lose an answer; the comments say what each call must print.
"""

from parley_chat import AsyncChatRoom
from peer import mark, wait

chatroom = AsyncChatRoom(retry_for=60)
mark("joined")
print(chatroom.check())                     # ChatGPT: hello?
print(chatroom.append("half a thought"))    # (nothing)
mark("drafted")

wait("stopped")                             # no daemon now: the push retries until one is back
print(chatroom.push())                      # (nothing): sent once, after the resume
mark("pushed")

wait("cut")                                 # ChatGPT spoke; the append's answer will be lost
print(chatroom.append(", and the rest"))    # ChatGPT: are you still there?  (from the history)
print(chatroom.preview())                   # [draft: , and the rest]  (appended once)
mark("appended")

wait("cut")                                 # the push's answer will be lost
print(chatroom.push())                      # (nothing): the retry with the same txn_id sends nothing
mark("pushed")

wait("lost")                                # a new daemon that knows no session
print(chatroom.preview())                   # the lost-session notice, then [the draft is empty]
mark("done")

chatroom.close()
