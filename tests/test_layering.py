"""The packages resolve to this repository and imports run one way."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("pkg", ["automata", "ssm", "probing", "analyses"])
def test_package_resolves_to_this_repo(pkg):
    mod = __import__(pkg)
    assert Path(mod.__file__).resolve().parent == ROOT / pkg


def _loaded_after(import_stmt: str) -> set[str]:
    code = f"import sys; {import_stmt}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT)
    return set(out.stdout.split())


def test_automata_does_not_import_torch():
    mods = _loaded_after("import automata, automata.languages")
    assert "torch" not in mods


def test_ssm_does_not_import_mamba_or_triton():
    mods = _loaded_after("import ssm, ssm.model")
    assert "mamba_ssm" not in mods and "triton" not in mods
