"""The package as users meet it: imports, names, the README's promises."""

from __future__ import annotations

import builtins
import re
import subprocess
import sys
from pathlib import Path

import spice_errors as se

ROOT = Path(__file__).parent.parent


def _imported_after(statement: str) -> set[str]:
    code = (
        "import sys\nbefore = set(sys.modules)\n"
        f"{statement}\nprint(sorted(set(sys.modules) - before))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(eval(done.stdout))  # noqa: S307 -- our own subprocess printed a list literal


def test_import_is_cheap() -> None:
    """`import spice_errors` imports neither returns nor ssl, datetime or json."""
    loaded = _imported_after("import spice_errors")
    assert not {
        name for name in loaded if name.split(".")[0] in {"returns", "ssl", "datetime", "json"}
    }


def test_all_is_sorted_and_complete() -> None:
    """__all__ is sorted, names only what exists, and never shadows a builtin."""
    assert sorted(se.__all__) == se.__all__
    assert all(hasattr(se, name) for name in se.__all__)
    assert not set(se.__all__) & set(dir(builtins))


def test_star_import_keeps_builtins() -> None:
    """`from spice_errors import *` leaves the builtin TimeoutError alone."""
    namespace: dict[str, object] = {}
    exec("from spice_errors import *", namespace)  # noqa: S102 -- the test is the star import
    assert "TimeoutError" not in namespace
    # As an object: statically the two classes are unrelated types; the test is at run time.
    spice_timeout: object = se.TimeoutError
    assert spice_timeout is not builtins.TimeoutError


def test_public_names_show_the_public_module() -> None:
    """Reprs and tracebacks show spice_errors, not a private module."""
    assert "spice_errors" == se.NetworkError.__module__
    assert "spice_errors" == se.from_exception.__module__
    assert "spice_errors" == se.TimeoutError.__module__


def test_py_typed_is_shipped() -> None:
    """The package declares its types."""
    assert (ROOT / "spice_errors" / "py.typed").is_file()


def test_readme_commands_are_what_ci_runs() -> None:
    """The README's two commands are the ones documented, and CI runs the test one."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```bash\n(.+?)\n```", readme)
    demo = (
        "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/python -m spice_errors demo"
    )
    test = (
        'python3 -m venv .venv && .venv/bin/pip install -e ".[test]" && .venv/bin/python -m pytest'
    )
    assert [demo, test] == commands
    assert test in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_links_every_docs_page() -> None:
    """Each page of the docs is one click from the README, and every link resolves."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\((docs/[^)#]+\.md)\)", readme))
    pages = {str(page.relative_to(ROOT)) for page in (ROOT / "docs").rglob("*.md")}
    assert pages - {"docs/index.md"} <= linked, sorted(pages - linked)
    assert linked <= pages, sorted(linked - pages)


def test_version() -> None:
    """The package has a version string."""
    assert re.fullmatch(r"\d+\.\d+\.\d+(\.dev\d+)?", se.__version__)


def test_star_import_gets_everything() -> None:
    """A star import loads the lazy parts too."""
    namespace: dict[str, object] = {}
    exec("from spice_errors import *", namespace)  # noqa: S102 -- the test is the star import
    assert set(se.__all__) <= set(namespace)
