"""classify_language --draw / --eggbox: the pictures are written, and refused where there is
nothing to draw."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from analyses.classify_language import main


def _svg(path) -> ET.Element:
    root = ET.fromstring(path.read_bytes())
    assert root.tag.endswith("svg")
    return root


def test_draw_and_eggbox_written(tmp_path, capsys):
    dfa, egg = tmp_path / "dfa.svg", tmp_path / "egg.svg"
    assert main(["tomita3", "--json", "--draw", str(dfa), "--eggbox", str(egg)]) == 0
    _svg(dfa), _svg(egg)
    assert main(["--regex", "(ab)*", "--alphabet", "ab", "--json", "--draw", str(dfa)]) == 0
    _svg(dfa)
    capsys.readouterr()


def test_draw_refused_without_automaton(tmp_path, capsys):
    out = tmp_path / "d.svg"
    assert main(["dyck1", "--json", "--draw", str(out)]) == 1
    assert main(["--suite", "paper", "--eggbox", str(out)]) == 1
    assert not out.exists()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all("error:" in line for line in err)
