"""Write the Python examples of the docs as modules, for mypy and pyright to check.

Run from the repository root (CI does):

    python typing_tests/docs_examples.py build/docs-examples

Every ``python`` code block of each page under ``docs/`` and of ``README.md``, hidden
ones (``<!-- invisible-code-block: python``) included, is written in order into one
module per page, as the test suite runs them: one namespace a page. A block that shows
what goes wrong on purpose opts out with a visible marker on the line before it,
``<!-- typecheck: skip (the reason) -->`` (blank lines may stand between the marker and
the block); so do the blocks the test suite skips
(``<!-- skip: next -->``), which need software the suite does not install.

With ``--check`` (and, if given, the directory to write into: a temporary one otherwise)
the script also runs both checkers over the modules, as strictly as over the package, and
exits non-zero if either reports an error:

    python typing_tests/docs_examples.py --check

mypy runs from the repository root with its configuration (``--strict``), so that
``tests.http_server``, which hidden blocks import, is read as source; pyright runs in
strict mode with this interpreter's packages and the root on its path.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_BLOCK = re.compile(
    r"(?P<marker><!-- (?:typecheck: skip[^>]*|skip: next) -->\n\s*)?"
    r"(?:```python\n(?P<shown>.*?)```|<!-- invisible-code-block: python\n(?P<hidden>.*?)-->)",
    re.DOTALL,
)


def module_of(page: Path) -> str:
    """The page's checked blocks, in order, as the source of one module."""
    text = page.read_text(encoding="utf-8")
    blocks = [
        found.group("shown") or found.group("hidden") or ""
        for found in _BLOCK.finditer(text)
        if not found.group("marker")
    ]
    if not blocks:
        return ""
    header = f'"""The examples of {page.relative_to(ROOT)}, as the docs show them."""\n\n'
    return header + "\n\n".join(block.rstrip() + "\n" for block in blocks)


def write(out: Path) -> int:
    """Write one module per page with examples into ``out``, emptied first; the count."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    written = 0
    for page in pages:
        source = module_of(page)
        if source:
            name = "_".join(page.relative_to(ROOT).with_suffix("").parts).replace("-", "_")
            (out / f"docs_{name}.py").write_text(source, encoding="utf-8")
            written += 1
    return written


def check(out: Path) -> int:
    """Write the modules into ``out`` and run mypy and pyright on them; 0 if both pass."""
    written = write(out)
    print(f"{written} pages of examples written to {out}")  # noqa: T201 -- a script's report
    # The project's pyright settings, strict, for a directory outside the project.
    config = {
        "typeCheckingMode": "strict",
        "pythonVersion": "3.11",
        "extraPaths": [str(ROOT)],
        "enableTypeIgnoreComments": False,
        "reportUnnecessaryTypeIgnoreComment": True,
    }
    (out / "pyrightconfig.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    config_file = str(ROOT / "pyproject.toml")
    mypy = [sys.executable, "-m", "mypy", "--strict", "--config-file", config_file, str(out)]
    pyright = [sys.executable, "-m", "pyright", "--pythonpath", sys.executable, "-p", str(out)]
    failed = 0
    for command in (mypy, pyright):
        print(f"==> {command[2]}", flush=True)  # noqa: T201 -- a script's report
        # this interpreter runs the checkers it has installed, on files just written
        failed |= subprocess.run(command, cwd=ROOT, check=False).returncode  # noqa: S603
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    """Write the modules into the directory given, or with ``--check`` also check them."""
    checking = argv[:1] == ["--check"]
    paths = argv[1:] if checking else argv
    if len(paths) > 1 or not (checking or paths):
        print(__doc__, file=sys.stderr)  # noqa: T201 -- the usage, for a person
        return 2
    if checking and not paths:
        with tempfile.TemporaryDirectory(prefix="docs-examples-") as temporary:
            return check(Path(temporary))
    if checking:
        return check(Path(paths[0]))
    written = write(Path(paths[0]))
    print(f"{written} pages of examples written to {paths[0]}")  # noqa: T201 -- a script's report
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
