"""What every Playwright test shares: Debian's chromium, its flags, and the marks a browser test carries.

A browser test module sets ``pytestmark = BROWSER_TEST`` and asks for the ``browser`` fixture
(root ``conftest.py``).
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in the test's thread; the ORM calls stay synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# With the suite on two workers a page can take a few seconds to answer: wait as long as an action
# does (15 s) before an expectation fails, not Playwright's default 5 s.
try:
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)
except ImportError:  # no Playwright: the browser tests skip themselves
    pass

BROWSER_TEST = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium (/usr/bin/chromium) is not installed"),
]
