"""Work that layers above the notifications add to `pengaduan remind` (which lives here, below them): each
task is a background job of its own (its heartbeat in jobs.JOBS), run after the reminders and before the
outbox is sent, so that what it queues goes out in the same run. Registered in an app's ready()."""

from collections.abc import Callable
from datetime import datetime

Task = Callable[[datetime], dict[str, int]]

_tasks: dict[str, Task] = {}


def register(job: str, task: Task) -> None:
    """Run `task(now)` (returning its counts) in every `pengaduan remind`, as the job `job`."""
    _tasks[job] = task


def tasks() -> list[tuple[str, Task]]:
    return list(_tasks.items())
