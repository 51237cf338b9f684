"""A call made in a forked process beside the caller, its fallbacks, and skipping the last collection."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from releasebook.forking import Beside

LINUX = sys.platform.startswith("linux")


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forking allowed: earlier tests in this process may have left threads behind, which can_fork refuses."""
    if not LINUX:
        pytest.skip("forking is Linux-only")
    monkeypatch.setattr("releasebook.forking.can_fork", lambda: True)


@pytest.mark.usefixtures("forks")
def test_a_forked_call_runs_in_another_process() -> None:
    call = Beside(os.getpid, fork=True)

    assert call.forked
    assert call.result() != os.getpid()
    assert not call.forked  # the process is joined once its value is in


@pytest.mark.usefixtures("forks")
def test_without_fork_the_call_is_made_here_when_the_result_is_asked_for() -> None:
    made: list[int] = []

    def call() -> int:
        made.append(os.getpid())
        return 42

    beside = Beside(call, fork=False)
    assert made == []  # nothing until result()
    assert not beside.forked
    assert beside.result() == 42
    assert made == [os.getpid()]


@pytest.mark.usefixtures("forks")
def test_a_call_that_raises_in_the_forked_process_is_made_again_here() -> None:
    parent = os.getpid()

    def call() -> str:
        if os.getpid() != parent:
            raise OSError("disk full in the forked process")
        return "made here"

    assert Beside(call, fork=True).result() == "made here"


@pytest.mark.usefixtures("forks")
def test_an_error_the_call_raises_here_too_is_the_callers_own() -> None:
    def call() -> None:
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        Beside(call, fork=True).result()


@pytest.mark.usefixtures("forks")
def test_a_value_that_does_not_pickle_is_made_again_here() -> None:
    parent = os.getpid()

    def call() -> object:
        return (lambda: "a lambda does not pickle") if os.getpid() != parent else "made here"

    assert Beside(call, fork=True).result() == "made here"


@pytest.mark.usefixtures("forks")
def test_a_forked_process_that_dies_leaves_the_call_to_the_caller() -> None:
    parent = os.getpid()

    def call() -> str:
        if os.getpid() != parent:
            os._exit(3)
        return "made here"

    assert Beside(call, fork=True).result() == "made here"


@pytest.mark.usefixtures("forks")
def test_cancel_ends_the_forked_process(tmp_path: Path) -> None:
    marker = tmp_path / "finished"

    def call() -> None:
        time.sleep(60)
        marker.write_text("finished")

    beside = Beside(call, fork=True)
    process = beside._process
    assert process is not None and process.is_alive()
    beside.cancel()
    assert not process.is_alive()
    assert not beside.forked
    assert not marker.exists()


def test_the_heap_is_frozen_at_exit_after_every_later_handler(tmp_path: Path) -> None:
    """The last collection is skipped at interpreter exit, and only then; registering twice is harmless."""
    script = textwrap.dedent("""
        import atexit, gc
        from releasebook.forking import skip_last_collection_at_exit
        atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count() > 0))
        before = atexit._ncallbacks()
        skip_last_collection_at_exit()
        skip_last_collection_at_exit()
        print("frozen before exit:", gc.get_freeze_count() > 0)
        print("handlers added:", atexit._ncallbacks() - before)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    expected = ["frozen before exit: False", "handlers added: 1", "frozen at exit: True"]
    assert done.stdout.splitlines() == expected


def test_a_process_with_other_threads_makes_the_call_itself() -> None:
    """A lock another thread holds (serve's server) would stay locked in a forked child forever."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        call = Beside(os.getpid, fork=True)
        assert not call.forked
        assert call.result() == os.getpid()
    finally:
        stop.set()
        thread.join()
