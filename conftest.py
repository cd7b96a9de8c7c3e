"""Runs every code example: Markdown code blocks in docs/ and README.md, and docstrings."""

from doctest import ELLIPSIS, NORMALIZE_WHITESPACE
from typing import Any

from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser, SkipParser
from sybil.parsers.rest import DocTestParser

import spice_errors
from spice_errors import _from_exception, _problems, _redact

_FLAGS = ELLIPSIS | NORMALIZE_WHITESPACE


def _isolate(namespace: dict[str, Any]) -> None:
    """Remember the process-wide registries a page of examples may extend."""
    namespace["__saved__"] = (
        _redact.snapshot_names(),
        _from_exception.snapshot_registry(),
        _problems.snapshot_problem_types(),
    )


def _isolate_docstring(namespace: dict[str, Any]) -> None:
    """As `_isolate`; a docstring's examples also see the public API, as after ``import *``.

    Docstrings live in private modules, but their examples are written for users: they
    use the public names, never the module's own internals.
    """
    _isolate(namespace)
    public = {name: getattr(spice_errors, name) for name in spice_errors.__all__}
    namespace.update(public, se=spice_errors)


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
    names, registry, problem_types = namespace["__saved__"]
    _redact.restore_names(names)
    _from_exception.restore_registry(registry)
    _problems.restore_problem_types(problem_types)


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
    setup=_isolate_docstring,
    teardown=_restore,
)

pytest_collect_file = (markdown_examples + docstring_examples).pytest()
