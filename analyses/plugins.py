"""Plugins: user modules that register languages, tasks and architectures for every command.

A plugin is any Python module (a dotted module name or a path to a ``.py`` file) whose import
calls :func:`automata.languages.register_language`, :func:`ssm.tasks.register_task` or
:func:`ssm.architectures.register_architecture`. Every command takes ``--plugin MODULE_OR_PATH``
(repeatable), imported before the rest of the command line is parsed, so a plugin's names are
valid ``--model`` choices and language names. Installed packages register through the entry-point
group :data:`ENTRY_POINT_GROUP` (``[project.entry-points."ssm_expressivity.plugins"]``), loaded by
every command. Loaded plugins are recorded in the environment variable :data:`ENV_VAR`, which
the worker processes of ``reproduce --jobs N`` inherit and load again (:func:`load_plugins`).

>>> plugin_args(["parity", "--plugin", "a.py", "--plugin=b", "--plugin"])
['a.py', 'b']
"""
from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import sys
from pathlib import Path
from typing import Iterable, Sequence

__all__ = ["PluginError", "ENTRY_POINT_GROUP", "ENV_VAR", "load_plugin", "load_plugins",
           "load_entry_points", "plugin_args"]

ENTRY_POINT_GROUP = "ssm_expressivity.plugins"
ENV_VAR = "SSM_EXPRESSIVITY_PLUGINS"
_LOADED: dict[str, object] = {}


class PluginError(ValueError):
    """A plugin cannot be found or fails on import (one line, names the plugin)."""


def plugin_args(argv: Sequence[str]) -> list[str]:
    """The values of every ``--plugin X`` / ``--plugin=X`` in ``argv`` (before parsing)."""
    out, it = [], iter(range(len(argv)))
    for i in it:
        a = argv[i]
        if a == "--plugin" and i + 1 < len(argv):
            out.append(argv[i + 1])
            next(it, None)
        elif a.startswith("--plugin="):
            out.append(a.split("=", 1)[1])
    return out


def load_plugin(spec: str) -> object:
    """Import the plugin ``spec`` (a module name, or a path ending in ``.py``) once."""
    key = str(Path(spec).resolve()) if spec.endswith(".py") else spec
    if key not in _LOADED:
        _LOADED[key] = _import(spec)
    known = [p for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p]
    if key not in known:
        os.environ[ENV_VAR] = os.pathsep.join([*known, key])
    return _LOADED[key]


def _import(spec: str) -> object:
    try:
        if spec.endswith(".py"):
            path = Path(spec)
            if not path.is_file():
                raise PluginError(f"plugin file {spec} does not exist")
            name = f"ssm_plugin_{path.stem}"
            module_spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(module_spec)
            sys.modules[name] = module
            module_spec.loader.exec_module(module)
        else:
            module = importlib.import_module(spec)
    except PluginError:
        raise
    except Exception as e:  # noqa: BLE001 - any failure inside the user's module
        msg = str(e).strip().splitlines()
        raise PluginError(f"cannot load plugin {spec}: {type(e).__name__}: "
                          f"{msg[0] if msg else ''}") from e
    return module


def load_entry_points(group: str = ENTRY_POINT_GROUP) -> list[str]:
    """Load every installed plugin of the entry-point ``group``; returns their names."""
    names = []
    for ep in importlib.metadata.entry_points(group=group):
        if ep.value in _LOADED:
            continue
        try:
            _LOADED[ep.value] = ep.load()
        except Exception as e:  # noqa: BLE001
            raise PluginError(f"cannot load plugin {ep.name} ({ep.value}): {type(e).__name__}: {e}") from e
        names.append(ep.name)
    return names


def load_plugins(specs: Iterable[str] = ()) -> None:
    """Entry points, then the plugins recorded in :data:`ENV_VAR`, then ``specs``."""
    load_entry_points()
    for spec in [p for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p] + list(specs):
        load_plugin(spec)
