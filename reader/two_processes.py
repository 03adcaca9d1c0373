"""Share CPU-bound work with one forked child process, when that is safe and there is a core."""

from __future__ import annotations

import os
import pickle
import signal
import threading
from collections.abc import Callable
from typing import TypeVar

Work = TypeVar("Work")
Result = TypeVar("Result")


def can_fork() -> bool:
    """A second core, ``fork``, and no other thread whose locks a forked child could inherit
    (so never inside the app, whose workers are threads: there the work stays in-process)."""
    if not hasattr(os, "fork") or threading.active_count() != 1:
        return False
    try:
        return len(os.sched_getaffinity(0)) > 1
    except AttributeError:  # not on Linux
        return (os.cpu_count() or 1) > 1


def in_two_processes(
    work: Callable[[Work], Result], mine: Work, theirs: Work
) -> tuple[Result, Result]:
    """``work(mine)`` here while a forked child does ``work(theirs)``; both results.

    The child inherits everything, so nothing is copied to it, and only its result comes back
    (pickled through a pipe). If it fails in any way, its share is done here instead.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: answer and leave without running the parent's exit handlers
        status = 1
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as out:
                pickle.dump(work(theirs), out, protocol=pickle.HIGHEST_PROTOCOL)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    reaped = False
    answered = False
    with os.fdopen(read_end, "rb") as answer:
        try:
            done = work(mine)
            try:
                theirs_done: Result = pickle.load(answer)
                answered = True
            except (EOFError, pickle.UnpicklingError):
                pass
            _, status = os.waitpid(pid, 0)
            reaped = True
        finally:
            if not reaped:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
    if status != 0 or not answered:
        theirs_done = work(theirs)
    return done, theirs_done
