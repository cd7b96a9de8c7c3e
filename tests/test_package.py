"""The package as users meet it: imports, names, the README's promises."""

from __future__ import annotations

import builtins
import re
import subprocess
import sys
from pathlib import Path

import pytest

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
    assert set(se.__all__) <= set(namespace)
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
        "python3 -m venv .venv && .venv/bin/pip install '.[mcp]'"
        " && .venv/bin/python -m spice_errors demo"
    )
    test = (
        "python3 -m venv .venv && .venv/bin/pip install -U pip"
        " && .venv/bin/pip install -e . --group test && .venv/bin/python -m pytest"
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
    """The version is the package metadata's, written once in pyproject.toml."""
    from importlib.metadata import version

    assert re.fullmatch(r"\d+\.\d+\.\d+(\.dev\d+)?", se.__version__)
    assert version("spice-errors") == se.__version__


def test_other_missing_attributes_raise() -> None:
    """Only `__version__` is computed on access; any other missing name is an error."""
    with pytest.raises(AttributeError, match="has no attribute 'retyr'"):
        getattr(se, "retyr")  # noqa: B009 -- the point is a name checkers do not know


def test_the_agent_tool_modules_load_on_first_use() -> None:
    """`se.mcp` and `se.jsonrpc` work after a plain import, which loads neither, nor `mcp`."""
    loaded = _imported_after("import spice_errors")
    assert not {"spice_errors.mcp", "spice_errors.jsonrpc", "spice_errors._model", "mcp"} & loaded
    used = _imported_after("import spice_errors as se; se.mcp.to_tool_result; se.jsonrpc.CODES")
    assert {"spice_errors.mcp", "spice_errors.jsonrpc"} <= used
    assert "mcp" not in used  # the SDK is imported by se.mcp.tool only


def test_the_agent_tool_modules_come_through_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    """In this process too: with the attribute gone, `se.mcp` is loaded by the package."""
    import importlib

    for name in ("mcp", "jsonrpc"):
        module = importlib.import_module(f"spice_errors.{name}")
        monkeypatch.delattr(se, name)
        assert module is getattr(se, name)


def test_version_is_not_read_at_import() -> None:
    """`import spice_errors` leaves importlib.metadata unloaded (it costs about 35 ms)."""
    assert "importlib.metadata" not in _imported_after("import spice_errors")


def test_modules_are_private_except_the_public_ones() -> None:
    """Every module is `_`-prefixed but `http`, `mcp`, `jsonrpc` and the integrations."""
    import pkgutil

    names = {info.name for info in pkgutil.iter_modules(se.__path__)}
    public = {name for name in names if not name.startswith("_")}
    assert {"http", "integrations", "jsonrpc", "mcp"} == public
    integrations = {
        info.name for info in pkgutil.iter_modules([str(ROOT / "spice_errors" / "integrations")])
    }
    assert {"_decide"} == {name for name in integrations if name.startswith("_")}


def test_every_public_name_shows_its_public_address() -> None:
    """Classes and functions at the top level and in `http` name their public module."""
    from spice_errors import http

    for module, names in ((se, [*se.__all__, "TimeoutError", "zip"]), (http, http.__all__)):
        for name in names:
            obj = getattr(module, name)
            if isinstance(obj, type) or (callable(obj) and hasattr(obj, "__code__")):
                assert module.__name__ == obj.__module__, name


_TREE_LINE = re.compile(r"[├└]── (\w+)\s+([A-Z_]+)(?:\s+(.*))?$")


def _tree(text: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Each drawn type: its code and, where the drawing lists them, its own fields."""
    drawn: dict[str, tuple[str, tuple[str, ...]]] = {}
    for line in text.splitlines():
        found = _TREE_LINE.search(line)
        if found:
            name, code, fields = found.groups()
            listed = (fields or "").replace("(required)", "").replace("(none)", "")
            drawn[name] = (code, tuple(part.strip() for part in listed.split(",") if part.strip()))
    return drawn


def test_the_drawn_error_trees_match_the_types() -> None:
    """The tree in the errors module and in the docs names every type, its code and fields."""
    from spice_errors import _errors, _fast_init

    real = {cls.__name__: (cls.code, _fast_init.own_fields(cls)) for cls in _errors.ALL_TYPES}
    in_docs = _tree((ROOT / "docs" / "explanation" / "error-tree.md").read_text(encoding="utf-8"))
    assert real == in_docs
    in_module = _tree(_errors.__doc__ or "")
    assert {name: code for name, (code, _) in real.items()} == {
        name: code for name, (code, _) in in_module.items()
    }
    assert list(real) == list(in_module) == list(in_docs)
