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
"""

from __future__ import annotations

import re
import shutil
import sys
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


def main(argv: list[str]) -> int:
    """Write one module per page with examples into the directory given; print the count."""
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)  # noqa: T201 -- the usage, for a person
        return 2
    out = Path(argv[0])
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
    print(f"{written} pages of examples written to {out}")  # noqa: T201 -- a script's report
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
