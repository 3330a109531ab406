"""The signal gate: raise once, hold a section, open a window in it."""

from __future__ import annotations

import signal

import pytest

from netval.interrupts import Gate, Interrupted


def _gate() -> Gate:
    gate = Gate()
    gate.installed = True  # as after install(), without touching this process's handlers
    return gate


def test_a_signal_raises_once_then_is_only_noted() -> None:
    gate = _gate()
    with pytest.raises(Interrupted) as caught:
        gate.handle(signal.SIGTERM)
    assert caught.value.label == "SIGTERM"
    assert isinstance(caught.value, KeyboardInterrupt)  # pytest and `lab up` handle it
    gate.handle(signal.SIGINT)  # while the command winds down: no second raise
    assert gate.received == signal.SIGTERM


def test_held_section_is_not_cut_and_the_signal_comes_after() -> None:
    gate = _gate()
    done = []
    with pytest.raises(Interrupted), gate.held():
        gate.handle(signal.SIGTERM)
        gate.handle(signal.SIGTERM)
        done.append("rollback")
    assert done == ["rollback"]


def test_held_without_delivery_leaves_it_to_the_next_window() -> None:
    gate = _gate()
    with gate.held(deliver=False):
        gate.handle(signal.SIGINT)
    assert gate.received == signal.SIGINT and not gate.raised
    with gate.held(deliver=False), pytest.raises(Interrupted), gate.interruptible():
        pytest.fail("a pending signal raises when the window opens")


def test_window_inside_a_held_section_raises_at_once() -> None:
    gate = _gate()
    with gate.held(deliver=False):
        with pytest.raises(Interrupted), gate.interruptible():
            gate.handle(signal.SIGTERM)
        gate.handle(signal.SIGTERM)  # after the window, held again (and raised already)


def test_startup_hold_ends_with_release() -> None:
    gate = Gate()
    gate._startup, gate._held, gate.installed = True, 1, True  # install(hold=True)
    gate.handle(signal.SIGTERM)
    assert not gate.raised
    with pytest.raises(Interrupted):
        gate.release()


def test_library_use_holds_real_signals_and_hands_them_back() -> None:
    """Without install() (a script calling manager.up), a Ctrl-C inside a held section comes
    afterwards, through the handler the caller had."""
    gate = Gate()
    before = signal.getsignal(signal.SIGINT)
    done = []
    with pytest.raises(KeyboardInterrupt), gate.held():
        signal.raise_signal(signal.SIGINT)
        done.append("rollback")
    assert done == ["rollback"]
    assert signal.getsignal(signal.SIGINT) is before
    assert not gate.installed and gate.received is None
