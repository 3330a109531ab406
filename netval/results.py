"""Check outcomes. Error is never a pass and never a failure: it means "no usable data"."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from netval.state import Problem


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"
    SKIP = "skip"


class Outcome(BaseModel):
    """What one check concluded about one target (a device, or a VRRP group)."""

    status: Status
    message: str = ""
    expected: Any = None
    observed: Any = None
    problem: Problem | None = None  # why an error had no data (timeout, auth_failed, ...)

    @classmethod
    def passed(cls, message: str = "", **kw: Any) -> Outcome:
        return cls(status=Status.PASS, message=message, **kw)

    @classmethod
    def failed(cls, message: str, **kw: Any) -> Outcome:
        return cls(status=Status.FAIL, message=message, **kw)

    @classmethod
    def error(cls, message: str, **kw: Any) -> Outcome:
        return cls(status=Status.ERROR, message=message, **kw)

    @classmethod
    def skipped(cls, message: str) -> Outcome:
        return cls(status=Status.SKIP, message=message)


class Result(BaseModel):
    """One pytest item's result, as written to the JSON report."""

    uid: str = Field(default="", description="unique in the run: the catalog file and the item id")
    id: str
    kind: str
    target: str
    devices: list[str] = Field(default_factory=list)
    scope: str = Field(default="device", description="device, group (e.g. a VRRP group) or network")
    catalog: str = ""
    status: Status
    message: str = ""
    expected: Any = None
    observed: Any = None
    duration: float = Field(
        default=0.0,
        description="seconds: the check's share of collection and its evaluation; for a "
        "check retried until it converged (or gave up), the whole wait",
    )
    converged_after: float | None = Field(
        default=None, description="seconds until a `within` check passed"
    )
    source: str = ""
    problem: Problem | None = Field(default=None, description="the kind of an error's cause")
