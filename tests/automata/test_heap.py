"""automata.heap: glibc keeps freed memory mapped, so a second array of the same size does not
fault its pages in again; AUTOMATA_MALLOC=system leaves glibc's defaults."""
import os
import subprocess
import sys

import pytest

GLIBC = sys.platform.startswith("linux") and (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith(
    "glibc")

# the page faults of touching a fresh 8 MiB array after an 8 MiB array was freed (2,048 pages)
PROBE = """
import resource, sys
import numpy as np
import automata, automata.heap as heap
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
a = np.ones(8 << 20, dtype=np.uint8); del a
f = faults(); b = np.ones(8 << 20, dtype=np.uint8); f = faults() - f
print(heap.retain_freed_memory(), f)
"""


def _probe(env_value: str | None) -> tuple[str, int]:
    env = {k: v for k, v in os.environ.items() if k != "AUTOMATA_MALLOC"}
    if env_value is not None:
        env["AUTOMATA_MALLOC"] = env_value
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env,
                         check=True, cwd=os.path.dirname(os.path.dirname(os.path.dirname(
                             os.path.abspath(__file__))))).stdout.split()
    return out[0], int(out[1])


@pytest.mark.skipif(not GLIBC, reason="glibc only")
def test_import_keeps_freed_memory_for_reuse():
    done, faults = _probe(None)
    assert done == "True"
    assert faults < 256, faults          # the freed block is reused: its pages are mapped


@pytest.mark.skipif(not GLIBC, reason="glibc only")
def test_opt_out_leaves_glibc_defaults():
    done, _ = _probe("system")
    assert done == "False"
