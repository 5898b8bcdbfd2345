"""Size and time budgets, declared up front and checked before the work they bound.

Every size a user controls (regex repetition, subset construction, DFA states, ``m`` in
``mod_m``, lengths x counts in sampling, dataset sizes) is estimated *before* the work starts
and refused with one line that names the limit and how to raise it: a keyword argument of the
function, and an environment variable ``AUTOMATA_<NAME>`` that every command line honours.
Long loops check a :class:`Deadline` cooperatively.

>>> limit("max_dfa_states")
200000
>>> check(10, "max_dfa_states", "a DFA")
>>> check(10**6, "max_dfa_states", "the subset construction")   # doctest: +ELLIPSIS
Traceback (most recent call last):
...
automata.errors.BudgetExceededError: the subset construction needs 1,000,000 DFA states, above the limit 200,000 (limit max_dfa_states: raise it with max_dfa_states=N or $AUTOMATA_MAX_DFA_STATES)
"""
from __future__ import annotations

import contextlib
import contextvars
import os
import time

from .errors import BudgetExceededError, UnknownLanguageError

__all__ = ["DEFAULTS", "limit", "check", "knob", "family_parameter", "Deadline", "raised"]

_SCOPED: contextvars.ContextVar[dict] = contextvars.ContextVar("automata_budgets", default={})


@contextlib.contextmanager
def raised(**limits: float | None):
    """Within the block, the given limits replace the defaults and the environment (``None``
    values are ignored), for every function called inside; a command line's ``--max-...``
    option sets its budget this way.

    >>> with raised(max_length=50_000):
    ...     limit("max_length")
    50000
    >>> limit("max_length")
    20000
    """
    for name, value in limits.items():
        if value is not None:
            limit(name, value)                   # validate the name and the value
    token = _SCOPED.set({**_SCOPED.get(), **{k: v for k, v in limits.items() if v is not None}})
    try:
        yield
    finally:
        _SCOPED.reset(token)

#: name -> (default, what it bounds)
DEFAULTS: dict[str, tuple[float, str]] = {
    "max_regex_nfa_states": (500_000, "NFA states"),        # what a regex expands to
    "max_dfa_states": (200_000, "DFA states"),              # subset construction, JSON, products
    "max_seconds": (60.0, "seconds"),                       # one construction
    "max_modulus": (1_000, ""),                             # mod_m, word_problem_z<m>, d<m>, dyck_K_h
    "max_sample_symbols": (20_000_000, "symbols"),          # one sampling call: strings x length
    "max_length": (20_000, "symbols per string"),           # exact path counts grow with it
    "max_dataset_positions": (5_000_000, "labelled positions"),  # a dataset (~150 B each)
    "max_count_bytes": (512 * 2**20, "bytes of exact path counts"),  # states x length^2 x log2 k
    "max_count_entries": (20_000_000, "count-table entries"),  # counter configurations x length
    "max_json_bytes": (256 * 2**20, "bytes"),               # a JSON file read as a DFA
    "max_draw_states": (60, "states"),                      # automata.drawing.draw_dfa
    "max_eggbox_elements": (256, "monoid elements"),        # egg-box with every element
    "max_poset_elements": (50_000, "monoid elements"),      # D-class poset (enumerated)
    "max_draw_d_classes": (200, "D-classes"),               # boxes in one drawing
}


def limit(name: str, override: float | None = None) -> float:
    """The limit ``name``: ``override`` when given, else ``$AUTOMATA_<NAME>``, else the default.

    Raises :class:`BudgetExceededError` for an unknown name or a malformed value.
    """
    if name not in DEFAULTS:
        raise BudgetExceededError(f"unknown budget {name!r}; known: {sorted(DEFAULTS)}")
    default = DEFAULTS[name][0]
    kind = type(default)
    if override is None:
        override = _SCOPED.get().get(name)
    if override is not None:
        value, source = override, f"{name}="
    else:
        env = "AUTOMATA_" + name.upper()
        text = os.environ.get(env)
        if text is None:
            return default
        try:
            value = float(text.replace("_", ""))
        except ValueError:
            raise BudgetExceededError(f"${env}={text!r} is not a number") from None
        source = f"${env}="
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0 \
            or value == float("inf"):
        raise BudgetExceededError(f"{source}{value!r}: a budget must be a positive, finite number")
    return kind(value)


def knob(name: str, param: str | None = None) -> str:
    """How to raise the limit ``name``, for error messages (``param``: the keyword argument or
    command-line option that sets it, when it is not called ``name``)."""
    return f"limit {name}: raise it with {param or name + '=N'} or ${'AUTOMATA_' + name.upper()}"


def check(needed: float, name: str, what: str, override: float | None = None,
          param: str | None = None) -> None:
    """Raise :class:`BudgetExceededError` when ``needed`` exceeds the limit ``name``."""
    cap = limit(name, override)
    if needed > cap:
        unit = DEFAULTS[name][1]
        raise BudgetExceededError(
            f"{what} needs {needed:,} {unit}, above the limit {cap:,} ({knob(name, param)})")


def family_parameter(value: int | str, family: str, low: int, override: int | None = None,
                     param: str | None = None) -> int:
    """The size parameter of a parametric language family (``mod_m``, ``d<n>``, ...), checked
    against ``low`` and the ``max_modulus`` budget before anything is built.

    Classifying such a language costs about the square of the parameter in memory (a group of
    order ``m`` acting on ``m`` states), so ``mod_100000`` is refused at once.

    >>> family_parameter("7", "mod_m", 2)
    7
    >>> family_parameter("100000", "mod_m", 2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    automata.errors.BudgetExceededError: mod_m with parameter 100000 is above the limit 1000 ...
    """
    if isinstance(value, str):
        if not value.isascii() or not value.isdigit():
            raise UnknownLanguageError(f"{family}: parameter {value[:20]!r} is not a number")
        value = int(value) if len(value) <= 12 else 10 ** 12   # no 5000-digit int() calls
    cap = int(limit("max_modulus", override))
    if value < low:
        raise UnknownLanguageError(f"{family} needs a parameter >= {low}, got {value}")
    if value > cap:
        raise BudgetExceededError(
            f"{family} with parameter {value} is above the limit {cap} for parametric families "
            f"({knob('max_modulus', param)})")
    return value


class Deadline:
    """A cooperative time budget: call :meth:`check` now and then inside a long loop.

    >>> d = Deadline("a test", seconds=10)
    >>> d.check()
    """

    def __init__(self, what: str, seconds: float | None = None, name: str = "max_seconds",
                 param: str | None = None):
        self.what = what
        self.name = name
        self.param = param
        self.seconds = limit(name, seconds)
        self.end = time.monotonic() + self.seconds

    def check(self) -> None:
        if time.monotonic() > self.end:
            raise BudgetExceededError(
                f"{self.what} took more than {self.seconds:g} s ({knob(self.name, self.param)})")
