"""``automata.records.fast_init``: the same constructor as the frozen dataclass's own (the same
parameters, defaults, factories and errors), instances still frozen, equal and hashed alike;
and every record it is applied to keeps the signature its dataclass would give it."""
from __future__ import annotations

import dataclasses
import inspect

import pytest

from automata.records import fast_init


@fast_init
@dataclasses.dataclass(frozen=True)
class Fast:
    a: int
    b: str = "x"
    c: dict = dataclasses.field(default_factory=dict, compare=False)
    d: tuple = ()
    _store: int = 0                      # the name the generated __init__ would use first


#: the stock frozen dataclass of the same fields, to compare with
_Plain = dataclasses.make_dataclass(
    "_Plain", [(f.name, f.type, f) for f in dataclasses.fields(Fast)], frozen=True)


def _fields(x) -> dict:
    return {f.name: getattr(x, f.name) for f in dataclasses.fields(x)}


@pytest.mark.parametrize("args,kwargs", [((1,), {}), ((1, "y"), {}), ((1,), {"d": (2,)}),
                                         ((), {"a": 3, "c": {"k": 1}}), ((1, "y", {}, (4,)), {}),
                                         ((1, "y", {}, (4,), 7), {})])
def test_same_as_the_dataclass_init(args, kwargs):
    p, f = _Plain(*args, **kwargs), Fast(*args, **kwargs)
    assert _fields(p) == _fields(f)
    assert repr(p).replace("_Plain", "Fast") == repr(f)
    assert hash(Fast(*args, **kwargs)) == hash(f) and Fast(*args, **kwargs) == f


def test_factories_are_called_per_instance():
    x, y = Fast(1), Fast(2)
    assert x.c == {} and x.c is not y.c


@pytest.mark.parametrize("args,kwargs", [((), {}), ((1,), {"e": 2}), ((1,), {"a": 2}),
                                         ((1, "y", {}, (), 5, 6), {})])
def test_bad_calls_raise_like_the_dataclass(args, kwargs):
    with pytest.raises(TypeError):
        _Plain(*args, **kwargs)
    with pytest.raises(TypeError):
        Fast(*args, **kwargs)


def test_still_frozen_and_replaceable():
    f = Fast(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.a = 2
    g = dataclasses.replace(f, b="z")
    assert (g.a, g.b) == (1, "z") and type(g) is Fast


def test_refuses_what_it_cannot_mirror():
    @dataclasses.dataclass(frozen=True)
    class Post:
        a: int

        def __post_init__(self):
            pass

    @dataclasses.dataclass(frozen=True)
    class Hidden:
        a: int = dataclasses.field(default=0, init=False)

    @dataclasses.dataclass
    class Mutable:
        a: int

    for cls in (Post, Hidden, Mutable):
        with pytest.raises(TypeError):
            fast_init(cls)


def _records():
    from automata.ac0 import AC0Certificate, Levels
    from automata.classify import Classification
    from automata.froidure_pin import FroidurePin
    from automata.green import GreenStructure
    from automata.groups import GroupInfo
    from automata.monoid import TransitionMonoid
    from automata.varieties import Varieties
    from automata.verdicts import AlgebraFacts
    return [AC0Certificate, Levels, Classification, FroidurePin, GreenStructure, GroupInfo,
            TransitionMonoid, Varieties, AlgebraFacts]


@pytest.mark.parametrize("cls", _records(), ids=lambda c: c.__name__)
def test_records_keep_their_signature(cls):
    """The signature the stock dataclass builds from the same fields."""
    assert cls.__init__.__qualname__ == f"{cls.__qualname__}.__init__"
    twin = dataclasses.make_dataclass(
        cls.__name__, [(f.name, f.type, f) for f in dataclasses.fields(cls)], frozen=True)
    got, want = inspect.signature(cls.__init__), inspect.signature(twin.__init__)
    assert list(got.parameters) == list(want.parameters)
    for name, p in want.parameters.items():
        q = got.parameters[name]
        if p.default is inspect.Parameter.empty or repr(p.default) == "<factory>":
            assert repr(q.default) == repr(p.default), name
        else:
            assert q.default is p.default or q.default == p.default, name
