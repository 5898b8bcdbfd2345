"""Fixtures of the tests that compare the compiled kernels with the numpy code."""
from __future__ import annotations

import pytest

from automata import jit_core
from automata.froidure_pin import clear_caches


@pytest.fixture
def both(monkeypatch):
    """``run(fn)``: ``fn()`` with the compiled kernels, then with numpy (whatever
    ``AUTOMATA_JIT`` the test run was given; monkeypatch restores it afterwards), each after
    :func:`~automata.froidure_pin.clear_caches`."""
    def run(fn):
        out = []
        for flag in ("1", "0"):
            monkeypatch.setenv("AUTOMATA_JIT", flag)
            assert jit_core.enabled() == (flag == "1")
            clear_caches()
            out.append(fn())
        return out
    return run
