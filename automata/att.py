"""Read acceptors in the AT&T text format used by MLRegTest (van der Poel et al., JMLR 2024).

A line ``src dst in out [weight]`` is an arc, a line with one or two fields marks a final state.
The start state is the source of the first arc (not necessarily state 0). Missing arcs go to an
explicit rejecting sink (added by :meth:`DFA.from_transitions`). MLRegTest's languages sharing
an alphabet prefix (the first dot-separated field of the file name) share an alphabet: pass it
as ``alphabet``, or use :func:`mlregtest_alphabets` to compute it for a folder.

>>> text = "0 1 a a\\n1 0 a a\\n0\\n"
>>> d = read_att(text, alphabet=["a", "b"])
>>> d.accepts("aa"), d.accepts("a"), d.accepts("ab")
(True, False, False)
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Iterable, Sequence

from .budgets import check
from .dfa import DFA
from .errors import AutomatonError, AutomatonFormatError, InvalidAutomatonError

__all__ = ["read_att", "parse_att", "mlregtest_alphabets"]


def parse_att(text: str, source: str = "<text>"):
    """Parse AT&T text: returns ``(arcs, finals, start)``; ``arcs`` is a list of (src, dst, sym)."""
    arcs: list[tuple[str, str, str]] = []
    finals: list[str] = []
    for ln, line in enumerate(text.splitlines(), 1):
        f = line.split()
        if not f:
            continue
        if len(f) in (1, 2):
            finals.append(f[0])
        elif len(f) in (4, 5):
            arcs.append((f[0], f[1], f[2]))
        elif len(f) == 3:
            arcs.append((f[0], f[1], f[2]))          # acceptor form: src dst label
        else:
            raise AutomatonFormatError(f"{source}: line {ln}: cannot parse {line.strip()!r}")
    if not arcs:
        raise AutomatonFormatError(f"{source}: no arcs, so no start state")
    return arcs, finals, arcs[0][0]


def read_att(source: str | Path, alphabet: Sequence[str] | None = None) -> DFA:
    """A DFA from an AT&T acceptor file (a path) or text.

    Parameters
    ----------
    source : str or Path
        A path to an ``.att`` file, or the text itself (when it contains a newline).
    alphabet : sequence of str, optional
        The language's alphabet (default: the symbols this file uses, in sorted order).
    """
    if isinstance(source, Path) or "\n" not in str(source):
        path = Path(source)
        try:
            check(path.stat().st_size, "max_json_bytes", f"AT&T file {str(path)!r}")
            text = path.read_text(encoding="utf-8")
        except OSError as e:
            raise AutomatonFormatError(f"cannot read AT&T file {str(path)!r}: {e.strerror}") from None
        except UnicodeDecodeError as e:
            raise AutomatonFormatError(f"AT&T file {str(path)!r} is not UTF-8 text "
                                       f"(byte {e.start})") from None
        except AutomatonError:
            raise
        except ValueError as e:                  # a NUL byte in the path
            raise AutomatonFormatError(f"cannot read AT&T file {str(path)!r}: {e}") from None
        name = str(path)
    else:
        text, name = str(source), "<text>"
    arcs, finals, start = parse_att(text, name)
    trans: dict[str, dict[str, str]] = defaultdict(dict)
    for s, t, a in arcs:
        if a in trans[s] and trans[s][a] != t:
            raise InvalidAutomatonError(f"{name}: state {s} has two arcs on {a!r} (not deterministic)")
        trans[s][a] = t
    used = sorted({a for _, _, a in arcs})
    if alphabet is None:
        alphabet = used
    missing = set(used) - set(alphabet)
    if missing:
        raise InvalidAutomatonError(f"{name}: symbols {sorted(missing)} are not in the alphabet")
    states: dict[str, None] = {start: None}
    for s, t, _ in arcs:
        states.setdefault(s, None)
        states.setdefault(t, None)
    for q in finals:
        states.setdefault(q, None)
    return DFA.from_transitions(list(alphabet), dict(trans), start, finals, list(states))


def mlregtest_alphabets(paths: Iterable[str | Path]) -> dict[str, list[str]]:
    """Alphabet per MLRegTest prefix: the union of the symbols used by files sharing it."""
    out: dict[str, set[str]] = defaultdict(set)
    for p in paths:
        p = Path(p)
        arcs, _, _ = parse_att(p.read_text(encoding="utf-8"), str(p))
        out[p.name.split(".")[0]].update(a for _, _, a in arcs)
    return {k: sorted(v) for k, v in out.items()}
