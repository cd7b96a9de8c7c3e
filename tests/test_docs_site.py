"""The built documentation renders in a real browser: headless Chromium on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from functools import partial
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.http_server import serving

ROOT = Path(__file__).resolve().parent.parent
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class _Page(HTMLParser):
    """The parts of a rendered page the checks look at: title, scripts ran, tables."""

    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.html_classes: list[str] = []
        self.tables: list[list[list[str]]] = []  # table -> row -> cell texts
        self.headings: list[str] = []
        self._in_title = False
        self._cell: list[str] | None = None
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.html_classes = (dict(attrs).get("class") or "").split()
        elif tag == "title":
            self._in_title = True
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in {"th", "td"}:
            self._cell = []
        elif tag in {"h1", "h2"}:
            self._heading = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in {"th", "td"} and self._cell is not None:
            if self.tables and self.tables[-1]:
                self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag in {"h1", "h2"} and self._heading is not None:
            self.headings.append(" ".join("".join(self._heading).split()).rstrip("¶ "))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._cell is not None:
            self._cell.append(data)
        if self._heading is not None:
            self._heading.append(data)


def _browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found is not None:
            return found
    pytest.skip(
        "headless Chromium is not installed (Debian: apt-get install chromium), "
        "so the browser check of the built docs is skipped"
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The docs built with `mkdocs build --strict`, served on 127.0.0.1."""
    pytest.importorskip(
        "mkdocs", reason="mkdocs is not installed (the test dependency group has it)"
    )
    built = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", built],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    handler = partial(_QuietHandler, directory=str(built))
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), handler)) as port:
        yield f"http://127.0.0.1:{port}"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 -- the base's name
        """The test reads the page, not the access log."""


def _render(url: str, profile: Path) -> _Page:
    """The page's DOM after its scripts ran, as headless Chromium sees it."""
    done = subprocess.run(
        [
            _browser(),
            "--headless",
            "--no-sandbox",  # root in a container has no user namespace to sandbox with
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--no-proxy-server",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=5000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    page = _Page()
    page.feed(done.stdout)
    return page


def test_home_page_renders(site: str, tmp_path: Path) -> None:
    """The home page has its title, ran its scripts and shows the capability table."""
    page = _render(f"{site}/", tmp_path)
    assert "spice_errors" == page.title.strip()
    assert "js" in page.html_classes  # the theme's JavaScript ran in the browser
    assert "spice_errors" in page.headings
    assert any(table and table[0][:1] == ["You want"] for table in page.tables), page.tables


def test_reference_page_renders_its_api_table(site: str, tmp_path: Path) -> None:
    """A reference page, generated from docstrings, shows its parameter tables."""
    page = _render(f"{site}/reference/errors/", tmp_path)
    assert "Errors - spice_errors" == page.title.strip()
    assert "js" in page.html_classes
    assert "SpiceError" in page.headings
    headers = [table[0] for table in page.tables if table]
    assert ["Name", "Type", "Description"] in headers, headers
    names = {row[0] for table in page.tables for row in table[1:] if row}
    assert {"retry_after_ms", "max_attempts", "skip_retry"} <= names, names  # RetryHint
