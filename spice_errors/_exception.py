"""`SpiceException`: an exception that carries a `SpiceError`, for code that must raise."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final, cast

from spice_errors._redact import redact_mapping, redact_text

if TYPE_CHECKING:
    from spice_errors._errors import AnySpiceError, SpiceError

__all__ = ["NOTE_PREFIX", "SpiceException"]

NOTE_PREFIX: Final = "spice_errors: "
"""How the note a `SpiceException` makes for its error's code begins."""


class SpiceException(Exception):  # noqa: N818 -- the contract's name, as in the Kotlin framework
    """An exception that carries a `SpiceError`, for code that must ``raise``.

    ``str()`` is the error's message (secrets masked), ``__cause__`` is the error's
    cause, and a note (PEP 678) carries the code and the redacted context, so an uncaught one prints
    them in its traceback. It is never an `OSError`. It pickles with its error and with
    every note, the ones added to it included.

    .. versionadded:: 0.1.0
    """

    error: AnySpiceError
    """The error this exception carries."""

    def __init__(self, error: SpiceError) -> None:
        super().__init__(redact_text(error.message))
        # The hierarchy is sealed, so every SpiceError is one of the 16 types.
        self.error = cast("AnySpiceError", error)
        if error.cause is not None:
            self.__cause__ = error.cause
        note = f"{NOTE_PREFIX}{error.code}"
        if error.context:
            note = f"{note} context={redact_mapping(error.context)!r}"
        self.add_note(note)

    @property
    def code(self) -> str:
        """The carried error's code."""
        return self.error.code

    @property
    def context(self) -> Mapping[str, object]:
        """The carried error's context."""
        return self.error.context

    def __reduce__(
        self,
    ) -> tuple[type[SpiceException], tuple[SpiceError], dict[str, list[object]]]:
        # Rebuilt from its error, which makes the code's note again: the saved notes
        # replace it, so the notes added since come back, and none is doubled.
        notes = cast("list[object]", getattr(self, "__notes__", []))
        return type(self), (self.error,), {"__notes__": list(notes)}
