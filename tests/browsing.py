"""Opening pages in a real browser (Debian's chromium, driven by Playwright), for the
browser tests.  A helper module, not a test module; the ``browser`` fixture is in conftest.py.

``needs_browser`` skips a test (and says why) where chromium is not installed.
"""

import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_browser = pytest.mark.skipif(CHROMIUM is None, reason="no chromium browser installed (apt-get install chromium)")


def open_page(browser, path: Path):
    """Open ``path`` at 1400 x 900; return ``(page, requests, errors, dialogs)``, the lists
    filling as the page runs (every URL requested, script errors, dialogs, each dismissed)."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    requests, errors, dialogs = [], [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    return page, requests, errors, dialogs
