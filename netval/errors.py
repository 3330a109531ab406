"""The one exception root of netval.

Every error a user can cause (bad file, bad option, missing tool, busy lab id) is a
``NetvalError``: the command line prints its message as one paragraph and exits with
``exit_code``, never a traceback.
"""

from __future__ import annotations


class NetvalError(Exception):
    """Root of all netval errors. ``exit_code`` is what the CLI exits with."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n  fix: {self.hint}"
        return self.message


class InputError(NetvalError):
    """A file or option the user wrote is wrong (snapshot, catalog, inventory, flag)."""


class EnvironmentProblem(NetvalError):
    """The machine lacks something netval needs (root, FRR, sshd)."""


class LabError(NetvalError):
    """A lab could not be built, found or torn down."""


class CollectionError(NetvalError):
    """A device could not be reached or returned output netval cannot use."""

    exit_code = 1


class EngineError(NetvalError):
    """A static engine (Batfish or built-in) failed to answer."""


def require_extra(extra: str, module: str, what: str, also: str = "") -> None:
    """An optional stack that is not installed: an error naming the extra that brings it."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise EnvironmentProblem(
            f"{what} needs {module}, which is not installed",
            hint=f"pip install 'netval[{extra}]'{also}",
        )
