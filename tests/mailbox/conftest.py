"""A real IMAP server for the mailbox tests: Dovecot on loopback, from scripts/with-dovecot.sh.

With IMAP_TEST_URL set (the script wraps pytest, or CI runs a server) that server is used; otherwise the session
starts one through the same script and stops it at the end. It is never skipped: without Dovecot (and no way to
install it) these tests fail and say why.
"""

import os
import subprocess
from pathlib import Path

import pytest

from imap_mails import ImapFolder

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "with-dovecot.sh"
# The script runs this, prints the server's address and holds it until pytest closes its standard input.
HOLD = "import os, sys; print(os.environ['IMAP_TEST_URL'], flush=True); sys.stdin.read()"


@pytest.fixture(scope="session")
def imap_url():
    if os.environ.get("IMAP_TEST_URL", "").startswith("imap"):
        yield os.environ["IMAP_TEST_URL"]
        return
    process = subprocess.Popen(["bash", str(SCRIPT), "python3", "-c", HOLD], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = process.stdout.readline().strip()
    if not url.startswith("imap"):
        process.kill()
        raise RuntimeError(f"scripts/with-dovecot.sh did not start Dovecot: {process.stderr.read()[-2000:]}")
    try:
        yield url
    finally:
        process.stdin.close()
        process.wait(timeout=30)


@pytest.fixture
def folder(imap_url):
    return ImapFolder(imap_url)


@pytest.fixture
def mailbox(folder, unit, jfu):
    """The Inspektorat's mailbox, read by `mail fetch` (the JFU is there to be told)."""
    return folder.mailbox_row(unit)
