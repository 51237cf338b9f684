"""Processes: whether this build may fork, its CPUs, one call run in a forked process beside it, a quick exit.

No MkDocs here: any front-end of the core may use it.
"""

from __future__ import annotations

import atexit
import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Generic, TypeVar

Value = TypeVar("Value")


def can_fork() -> bool:
    """Whether worker processes can inherit the build by forking (Linux; macOS and Windows spawn instead).

    Only a single-threaded process forks: a lock another thread holds (the serve loop's HTTP and file-watching
    threads) would stay locked in the child forever. So serve's first build may use workers, its rebuilds do
    not (they reuse the earlier results instead).
    """
    return (sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1)


def available_cpus() -> int:
    """CPUs this process may run on (the affinity mask where there is one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


_skipping_last_collection = False


def skip_last_collection_at_exit() -> None:
    """Have the interpreter skip its last full garbage collection when it exits (registered once).

    After the `atexit` handlers, Python collects the whole heap once more just before the memory goes back to
    the system anyway: 0.6 s at 1,000 records. A heap frozen by the last `atexit` handler is not walked.
    Nothing changes before the interpreter exits, so a program that goes on after a build loses nothing.
    """
    global _skipping_last_collection
    if not _skipping_last_collection:
        atexit.register(gc.freeze)  # handlers run last registered first: this one runs after later ones
        _skipping_last_collection = True


class Beside(Generic[Value]):
    """A call made in a forked process while the caller goes on; `result()` waits for its value.

    The value comes back pickled. Without `fork`, when forking is not possible, or when the process fails
    (it could not start, died, or the call raised), `result()` makes the call here instead, so its errors
    are the caller's own. The call may therefore run twice: it must not log, and what it writes it must
    write the same way again.
    """

    def __init__(self, call: Callable[[], Value], *, fork: bool) -> None:
        self._call = call
        self._receiver: Connection | None = None
        self._process: BaseProcess | None = None
        if fork and can_fork():
            self._start()

    def _start(self) -> None:
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        # The child's own collections would walk, and so copy page by page, the whole heap it inherits.
        thaw = gc.get_freeze_count() == 0  # what an outer caller froze stays frozen until it thaws it
        gc.freeze()
        try:
            process = context.Process(target=_call_and_send, args=(self._call, sender), daemon=True)
            process.start()
        except OSError:  # no memory or no process slot left: result() makes the call here
            receiver.close()
            return
        finally:
            if thaw:
                gc.unfreeze()
            sender.close()
        self._receiver, self._process = receiver, process

    @property
    def forked(self) -> bool:
        """Whether a forked process is making the call."""
        return self._process is not None

    def result(self) -> Value:
        """The call's value, from the forked process when it made it, else from calling it here."""
        receiver, process = self._receiver, self._process
        self._receiver = self._process = None
        if receiver is not None and process is not None:
            try:
                made, value = receiver.recv()
            except (EOFError, OSError):  # the process died before it could answer
                made, value = False, None
            finally:
                receiver.close()
                end_process(process)
            if made:
                return value  # type: ignore[no-any-return]
        return self._call()


    def cancel(self) -> None:
        """End the forked process, if any, without waiting for its value."""
        receiver, process = self._receiver, self._process
        self._receiver = self._process = None
        if receiver is not None and process is not None:
            end_process(process, terminate=True)
            receiver.close()


def end_process(process: BaseProcess, *, terminate: bool = False) -> None:
    """Wait for a forked process to end (asking it to, with `terminate`); kill it if 10 s are not enough."""
    if terminate:
        process.terminate()
    process.join(timeout=10)
    if process.is_alive():
        process.kill()
        process.join()


def _call_and_send(call: Callable[[], object], sender: Connection) -> None:
    """In the forked process: make the call and send (True, value), or (False, None) when it raised."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's to handle; it ends this process
    try:
        answer: tuple[bool, object] = (True, call())
    except Exception:  # the caller makes the call itself and reports the error as its own
        answer = (False, None)
    try:
        sender.send(answer)
    except Exception:  # a value that does not pickle: the caller makes the call itself
        sender.send((False, None))
    sender.close()
