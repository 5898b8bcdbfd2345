"""Importing ssm sets OMP_WAIT_POLICY=PASSIVE before torch loads, unless the user set it."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CODE = "import os, sys; import ssm; print(os.environ['OMP_WAIT_POLICY'])"


def _run(env_extra):
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    env.update(env_extra)
    return subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True,
                          check=True, env=env).stdout.strip()


def test_default_is_passive_and_a_users_choice_is_kept():
    assert _run({}) == "PASSIVE"
    assert _run({"OMP_WAIT_POLICY": "ACTIVE"}) == "ACTIVE"


def test_the_policy_module_comes_before_torch():
    text = (Path(__file__).resolve().parents[2] / "ssm" / "__init__.py").read_text()
    body = text.split('"""', 2)[2]
    imports = [ln for ln in body.splitlines() if ln.startswith(("import ", "from "))]
    assert imports[0].startswith("import ssm.omp_policy")
