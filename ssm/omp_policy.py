"""``OMP_WAIT_POLICY=PASSIVE`` unless set, imported by ``ssm/__init__.py`` before torch.

OpenMP (libgomp, loaded with torch) reads the variable once, when it starts, so this only takes
effect when ``ssm`` is imported before torch; set the variable yourself otherwise. With the
default spin-waiting, idle OpenMP threads burn the cores that the working threads need: measured
on the shared 2-core machine (docs/benchmarks.md), the chunked Mamba scan forward + backward at
length 256 with 2 threads took 88.6 s (default policy) against 7.5 s (PASSIVE), 1 thread 14–19 s.
"""
import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
