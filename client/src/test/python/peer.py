"""Turn-taking with PythonClientTest: marks on standard output, waits on standard input.

A script prints "@name" where the test may act, and waits for the test's line where it must
not go on before the test has acted. Waiting on lines, not on time, keeps the runs exact.
"""

import sys


def mark(name):
    """Tells the test that the script got this far."""
    print("@" + name, flush=True)


def wait(name):
    """Blocks until the test writes ``name``; ends the script if the test went away."""
    line = sys.stdin.readline()
    if line.rstrip("\n") != name:
        sys.exit("expected the line %r from the test, got %r" % (name, line))
