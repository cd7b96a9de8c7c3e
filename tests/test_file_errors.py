"""from_exception on a file that is missing, of the wrong kind or not ours: configuration."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest

import spice_errors as se
from tests.local_servers import caught


def check_file_error(error: se.SpiceError, exc: BaseException, path: str, code: int) -> None:
    assert isinstance(error, se.ConfigurationError)
    assert {"path": path, "errno": code} == dict(error.context)
    assert exc is error.cause


@pytest.mark.parametrize(
    ("make", "cls", "code"),
    [
        (lambda tmp: (tmp / "missing.toml").read_text(), FileNotFoundError, errno.ENOENT),
        (lambda tmp: (tmp / "file.txt" / "x").read_text(), NotADirectoryError, errno.ENOTDIR),
        (lambda tmp: tmp.open(), IsADirectoryError, errno.EISDIR),
    ],
    ids=["missing", "not-a-directory", "a-directory"],
)
def test_real_file_errors(tmp_path: Path, make: Any, cls: type[OSError], code: int) -> None:
    """What the file system raises gives the path and the errno."""
    (tmp_path / "file.txt").write_text("x")
    exc = caught(lambda: make(tmp_path))
    assert cls is type(exc)
    check_file_error(se.from_exception(exc), exc, str(getattr(exc, "filename", "")), code)


def test_permission_error() -> None:
    """EACCES is a PermissionError, built from the errno as the os module builds it."""
    exc = OSError(errno.EACCES, os.strerror(errno.EACCES), "/etc/shadow")
    assert isinstance(exc, PermissionError)
    error = se.from_exception(exc)
    check_file_error(error, exc, "/etc/shadow", errno.EACCES)
    assert "[Errno 13] Permission denied: '/etc/shadow'" == error.message


def test_path_is_redacted() -> None:
    """A file name that is a URL with a secret shows without it, in the message too."""
    url = "https://bob:S3cr3t@bucket.example/data.csv?token=S3cr3t2"
    exc = FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), url)
    error = se.from_exception(exc)
    assert "https://bucket.example/data.csv?token=***" == error.context["path"]
    assert "S3cr3t" not in repr(error)
    assert "S3cr3t" not in error.message


def test_bytes_and_path_objects() -> None:
    """A bytes name is decoded (bad bytes escaped); a path object is shown as its text."""
    raw = caught(lambda: open(b"/no/such/\xff", "rb"))  # noqa: SIM115, PTH123 -- a bytes name
    assert b"/no/such/\xff" == getattr(raw, "filename", None)
    assert "/no/such/\\xff" == se.from_exception(raw).context["path"]
    exc = FileNotFoundError(errno.ENOENT, "No such file", Path("/no/such/file"))
    assert "/no/such/file" == se.from_exception(exc).context["path"]


@pytest.mark.parametrize(
    "exc",
    [
        FileNotFoundError("settings.toml was not found"),
        PermissionError(errno.EPERM, "Operation not permitted"),
        IsADirectoryError(errno.EISDIR, "Is a directory", 3),
    ],
    ids=["message-only", "no-name", "descriptor"],
)
def test_without_a_path(exc: OSError) -> None:
    """No file name (or a descriptor): no path; no errno, no errno in context."""
    error = se.from_exception(exc)
    assert isinstance(error, se.ConfigurationError)
    expected = {} if exc.errno is None else {"errno": exc.errno}
    assert expected == dict(error.context)


def test_other_os_errors_are_not_configuration() -> None:
    """Only the four file rows: another OSError is still unknown."""
    exc = OSError(errno.EIO, os.strerror(errno.EIO), "/dev/sda")
    assert isinstance(se.from_exception(exc), se.UnknownError)


def test_not_an_exception_can_be_raised_and_reported() -> None:
    """from_exception("boom") gives an error whose exception and report work."""
    error = se.from_exception("boom")  # type: ignore[arg-type]
    assert isinstance(error, se.UnknownError)
    assert "Not an exception: str" == error.message
    exc = error.to_exception()
    assert isinstance(exc, se.SpiceException)
    assert error is exc.error
    assert exc.__cause__ is None
    assert error.report().startswith("UnknownError (UNKNOWN_ERROR): Not an exception: str")
