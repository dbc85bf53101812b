"""What the layers do when a request starts and when it has finished, from one receiver of Django's
request_started and one of request_finished.

Every receiver of those signals runs on every request, the bare ones too, and Django's dispatch costs more per
receiver (a weak reference followed, a call with keyword arguments, its answer kept) than the layers' own
work does: each measured on the served bare view (bench/peer.py --ceiling). So a layer registers a plain
function here, called without arguments, under a name (registering the name again replaces it); the two
receivers call them in the order they were first registered. An exception propagates, as from Django's own
dispatch: the functions after it are not called.
"""

from collections.abc import Callable

from django.core.signals import request_finished, request_started

_at_start: dict[str, Callable[[], object]] = {}
_at_finish: dict[str, Callable[[], object]] = {}


def at_start(name: str, function: Callable[[], object]) -> None:
    """Call `function` when each request starts."""
    _at_start[name] = function


def at_finish(name: str, function: Callable[[], object]) -> None:
    """Call `function` when each request has finished (its response sent and closed)."""
    _at_finish[name] = function


def forget(name: str) -> None:
    """No longer call what was registered under `name`, at either end."""
    _at_start.pop(name, None)
    _at_finish.pop(name, None)


def registered(name: str) -> tuple[Callable[[], object] | None, Callable[[], object] | None]:
    """What is called under `name` when a request starts and when it has finished (None: nothing)."""
    return _at_start.get(name), _at_finish.get(name)


def _started(**_signal) -> None:
    for call in _at_start.values():
        call()


def _finished(**_signal) -> None:
    for call in _at_finish.values():
        call()


def connect() -> None:
    """The two receivers, connected once the apps are loaded (UnitsConfig.ready, the lowest app), after Django's
    own: as the layers' receivers were."""
    request_started.connect(_started, dispatch_uid="pengaduan_request_cycle_started")
    request_finished.connect(_finished, dispatch_uid="pengaduan_request_cycle_finished")
