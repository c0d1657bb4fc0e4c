"""Tasks that exist only for the tests (never imported by production code).

The integration tests start workers with `-A tests.worker.celery_app`, which registers these
beside the real tasks."""

import os
import time
from pathlib import Path

from worker.app import app
from worker.base import BaseTask

CALLS: list[tuple[str, int]] = []


@app.task(bind=True, base=BaseTask, name="tests.worker.flaky")
def flaky(self, failures: int, marker: str = "") -> int:
    """Fails with a transient OSError `failures` times, then returns its retry count."""
    CALLS.append((marker, self.request.retries))
    if self.request.retries < failures:
        raise OSError("storage hiccup")
    return self.request.retries


@app.task(base=BaseTask, name="tests.worker.broken")
def broken(value) -> None:
    """Fails at once with a non-transient error."""
    raise ValueError(f"bad input {value}")


@app.task(base=BaseTask, name="tests.worker.append_line")
def append_line(path: str, text: str) -> None:
    with open(path, "a") as handle:
        handle.write(text + "\n")


@app.task(base=BaseTask, name="tests.worker.block_until_flag")
def block_until_flag(directory: str, timeout: float = 60) -> None:
    """Note each start in `runs`, wait for the file `flag`, then note the completion."""
    folder = Path(directory)
    with open(folder / "runs", "a") as handle:
        handle.write(f"start {os.getpid()}\n")
    deadline = time.monotonic() + timeout
    while not (folder / "flag").exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the flag never came")
        time.sleep(0.05)
    with open(folder / "runs", "a") as handle:
        handle.write(f"done {os.getpid()}\n")
