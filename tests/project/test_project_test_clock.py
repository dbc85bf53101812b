"""PENGADUAN_TEST_CLOCK (tests/conftest.py) moves the run to the day it names: the pass of `make test` a year on
does run a year on (were the clock left where it is, that pass would prove nothing)."""

import os
import tempfile
import time
from datetime import datetime

DAY = 24 * 3600


def os_clock() -> float:
    """Now by the operating system's clock, which the run cannot move: the time it gives a new file."""
    with tempfile.NamedTemporaryFile() as probe:
        return os.stat(probe.name).st_mtime


def test_the_run_is_on_the_day_the_clock_names():
    wanted = os.environ.get("PENGADUAN_TEST_CLOCK", "").strip()
    if not wanted:
        assert abs(time.time() - os_clock()) < 60
    elif wanted.startswith("+"):
        # Moved by that many days, give or take the time the run took to get here (the clock ticks).
        assert abs(time.time() - os_clock() - int(wanted[1:]) * DAY) < 3600
    else:
        # Within a day of the date named (a date without its zone is taken in one the test cannot know).
        assert abs(time.time() - datetime.fromisoformat(wanted).timestamp()) < DAY
