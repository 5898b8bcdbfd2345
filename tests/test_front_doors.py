"""The library API a newcomer expects at the package tops (issue 11): the names import, and
every public function and class there carries a runnable example (the examples themselves run
as doctests of their modules)."""
from __future__ import annotations

import importlib
import inspect

import pytest

EXPECTED = {
    "automata": ["DFA", "Language", "get_language", "register_language", "list_languages",
                 "classify", "regex_to_dfa", "resolve_language"],
    "ssm": ["ModelConfig", "ExperimentConfig", "build_model", "train", "register_architecture",
            "register_task", "family_of", "apply_overrides"],
    "probing": ["probe_run"],
}


@pytest.mark.parametrize("package", sorted(EXPECTED))
def test_front_door_names_import(package):
    mod = importlib.import_module(package)
    missing = [n for n in EXPECTED[package] if n not in mod.__all__ or not hasattr(mod, n)]
    assert not missing, f"{package} lacks {missing}"
    assert all(hasattr(mod, n) for n in mod.__all__)


def _without_example(package: str) -> list[str]:
    mod = importlib.import_module(package)
    out = []
    for name in mod.__all__:
        obj = getattr(mod, name)
        if inspect.isclass(obj) and issubclass(obj, BaseException):
            continue                        # error classes: their messages are the examples
        if (inspect.isclass(obj) or inspect.isfunction(obj)) and ">>>" not in (obj.__doc__ or ""):
            out.append(name)
    return out


@pytest.mark.parametrize("package", [
    "automata", "ssm", "probing"])
def test_every_public_name_has_a_runnable_example(package):
    assert not _without_example(package), f"{package}: no '>>>' example in {_without_example(package)}"
