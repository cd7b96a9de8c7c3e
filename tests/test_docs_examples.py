"""The docs' examples as modules for the type checkers (typing_tests/docs_examples.py)."""

from __future__ import annotations

from pathlib import Path

from typing_tests import docs_examples


def test_one_module_per_page_with_every_block_in_order(tmp_path: Path) -> None:
    """Shown and hidden blocks go in, in order; blocks marked to skip stay out."""
    page = docs_examples.ROOT / "docs" / "how-to" / "retries.md"
    source = docs_examples.module_of(page)
    assert source.startswith('"""The examples of docs/how-to/retries.md')
    hidden = source.index("doc_server = ScriptedServer()")
    shown = source.index("import httpx\nimport spice_errors as se\n\n")
    assert hidden < shown
    skipped = docs_examples.module_of(docs_examples.ROOT / "docs" / "how-to" / "serialize.md")
    assert "import ray" not in skipped


def test_the_script_writes_every_page_that_has_examples(tmp_path: Path) -> None:
    """README.md and each docs page with a Python block become one module each."""
    out = tmp_path / "examples"
    assert 0 == docs_examples.main([str(out)])
    written = {path.name for path in out.iterdir()}
    assert {"docs_README.py", "docs_docs_tutorial_results.py"} <= written
    assert all(name.startswith("docs_") and name.endswith(".py") for name in written)
    assert 2 == docs_examples.main([])
