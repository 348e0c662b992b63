"""Shared fixtures: the demo partnership, small hand-checked logs, the real data folder."""

from pathlib import Path

import pandas as pd
import pytest

import stakeholder_graph as sg

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "real"


@pytest.fixture(scope="session")
def demo_tables():
    return sg.demo_tables()


@pytest.fixture(scope="session")
def demo_graph(demo_tables):
    return sg.build_graph(demo_tables["interactions"], demo_tables["meetings"], demo_tables["actors"])


@pytest.fixture
def write(tmp_path):
    """write(name, text_or_bytes) -> path of a file in a fresh folder."""

    def _write(name, content, encoding="utf-8"):
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding=encoding)
        return path

    return _write


def real_folder(name):
    folder = REAL / name
    if not folder.exists():
        pytest.skip(f"real data folder {folder} is absent")
    return folder


def real_contacts(path, *, sep=r"\s+", columns=("t", "i", "j"), origin="2015-06-22"):
    """A SocioPatterns/SNAP log as an interaction DataFrame (t seconds from ``origin``)."""
    raw = pd.read_csv(path, sep=sep, header=None, names=list(columns))
    return pd.DataFrame({
        "date": pd.Timestamp(origin) + pd.to_timedelta(raw["t"], unit="s"),
        "source": "p" + raw["i"].astype(str),
        "target": "p" + raw["j"].astype(str),
    })


@pytest.fixture(scope="session")
def browser():
    """A headless chromium for the whole run (skips the test where it cannot start)."""
    from browsing import CHROMIUM
    if CHROMIUM is None:
        pytest.skip("no chromium browser installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install '.[test]')")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()
