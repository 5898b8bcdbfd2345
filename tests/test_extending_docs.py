"""docs/extending.md: every Python block runs, in order, in one namespace and a temporary cwd."""
from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "extending.md"


def test_worked_examples_run(tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)
    assert len(blocks) >= 4
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SSM_EXPRESSIVITY_PLUGINS", raising=False)  # restored afterwards
    namespace: dict = {"__name__": "extending_doc"}
    for i, code in enumerate(blocks):
        exec(compile(code, f"{DOC.name}[block {i}]", "exec"), namespace)
    assert (tmp_path / "runs" / "no_aaa" / "result.json").is_file()
