"""Runs every code example: Markdown code blocks in docs/ and README.md, and docstrings."""

from doctest import ELLIPSIS, NORMALIZE_WHITESPACE
from typing import Any

from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser, SkipParser
from sybil.parsers.rest import DocTestParser

from spice_errors import _redact, mapping

_FLAGS = ELLIPSIS | NORMALIZE_WHITESPACE


def _isolate(namespace: dict[str, Any]) -> None:
    """Remember the process-wide registries a page of examples may extend."""
    namespace["__saved__"] = (_redact._names, dict(mapping._registry))


def _restore(namespace: dict[str, Any]) -> None:
    """Put the registries back, so one page's examples never affect another test.

    A page may start a local HTTP server or switch retry testing on in a hidden block
    (``doc_server``, ``doc_testing``); both are stopped here.
    """
    server = namespace.get("doc_server")
    if server is not None:
        server.stop()
    testing = namespace.get("doc_testing")
    if testing is not None:
        testing.__exit__(None, None, None)
    names, registry = namespace["__saved__"]
    _redact._names = names
    _redact._cache.clear()
    mapping._registry = registry
    mapping._dispatch.clear()


markdown_examples = Sybil(
    parsers=[PythonCodeBlockParser(doctest_optionflags=_FLAGS), SkipParser()],
    patterns=["*.md"],
    setup=_isolate,
    teardown=_restore,
)
docstring_examples = Sybil(
    parsers=[DocTestParser(optionflags=_FLAGS)],
    patterns=["*.py"],
    excludes=["__main__.py"],
    setup=_isolate,
    teardown=_restore,
)

pytest_collect_file = (markdown_examples + docstring_examples).pytest()
