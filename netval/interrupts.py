"""Ctrl-C and SIGTERM end a netval command the same way.

A CI runner that cancels a job sends SIGTERM; a person presses Ctrl-C. Either one must stop
the work at once and still leave every report written and every lab rolled back, so both
raise ``Interrupted`` (a ``KeyboardInterrupt``, which pytest and ``lab up`` already handle)
in the main thread, and only once: a second signal while the command winds down is noted,
not raised, so it cannot cut a report or a rollback in half.

``held()`` marks a section that must not be cut at all (a rollback, writing reports, the
short local steps before a run): a signal there is raised when the section ends, or left
pending for the run to see. ``interruptible()`` opens a window inside a held section where
a signal raises at once (waiting for devices or an engine).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)


def signal_label(signum: int) -> str:
    return "Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name


class Interrupted(KeyboardInterrupt):
    """The command was asked to stop (Ctrl-C or SIGTERM)."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        super().__init__(signal_label(signum))
        self.signum = signum

    @property
    def label(self) -> str:
        return signal_label(self.signum)


def label_of(exc: BaseException) -> str:
    """How a report names the interruption: "Ctrl-C" or "SIGTERM"."""
    return exc.label if isinstance(exc, Interrupted) else "Ctrl-C"


class Gate:
    """The process's signal handling: raise once, or hold, per section."""

    def __init__(self) -> None:
        self.installed = False
        self.received: int | None = None  # the first signal, once one came
        self.raised = False
        self._held = 0
        self._window = 0
        self._startup = False

    def handle(self, signum: int, frame: FrameType | None = None) -> None:
        if self.received is None:
            self.received = signum
        if self.raised or (self._held and not self._window):
            return
        self.raised = True
        raise Interrupted(self.received)

    def install(self, hold: bool = False) -> None:
        """Handle Ctrl-C and SIGTERM from now on; ``hold``: held until ``release()``."""
        for signum in SIGNALS:
            signal.signal(signum, self.handle)
        self.installed = True
        if hold and not self._startup:
            self._startup = True
            self._held += 1

    def release(self) -> None:
        """End the hold ``install(hold=True)`` began: a signal that came meanwhile raises."""
        if not self._startup:
            return
        self._startup = False
        self._held -= 1
        if not self._held and self.received is not None and not self.raised:
            self.raised = True
            raise Interrupted(self.received)

    @contextmanager
    def held(self, deliver: bool = True) -> Iterator[None]:
        """A signal inside is raised when the block ends (unless one was raised already).

        With ``deliver=False`` it stays pending instead: the next ``interruptible()`` raises
        it at once, and ``received()`` tells the caller it came.
        """
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        temporary = not self.installed
        if temporary:
            # library use (tests, scripts): handle the signals for the block, then hand one
            # that came and was not raised to the handler the caller had
            saved = (self.received, self.raised)
            self.received, self.raised = None, False
            previous = {s: signal.signal(s, self.handle) for s in SIGNALS}
            self.installed = True
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
            if temporary:
                for signum, handler in previous.items():
                    signal.signal(signum, handler)
                self.installed = False
                noted = None if self.raised else self.received
                self.received, self.raised = saved
                if noted is not None:
                    signal.raise_signal(noted)
        if (
            deliver
            and self.installed
            and not self._held
            and self.received is not None
            and not self.raised
        ):
            self.raised = True
            raise Interrupted(self.received)

    @contextmanager
    def interruptible(self) -> Iterator[None]:
        """Inside a held section, a signal raises at once (also one that came before)."""
        if not self.installed or threading.current_thread() is not threading.main_thread():
            yield
            return
        self._window += 1
        try:
            if self.received is not None and not self.raised:
                self.raised = True
                raise Interrupted(self.received)
            yield
        finally:
            self._window -= 1


GATE = Gate()
install = GATE.install
release = GATE.release
held = GATE.held
interruptible = GATE.interruptible


def received() -> int | None:
    """The first Ctrl-C or SIGTERM this process got, if any."""
    return GATE.received


def current_label() -> str:
    """How reports name the signal that interrupted this process ("Ctrl-C" by default)."""
    return signal_label(GATE.received or signal.SIGINT)
