"""automata.drawing (the DFA picture) and automata.eggbox (the D-classes), checked against
Green's structure computed independently (automata.green, orbit method)."""
from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from automata import drawing
from automata.classify import classify
from automata.dfa import DFA
from automata.drawing import dfa_engine, draw_dfa, draw_eggbox, edge_labels
from automata.eggbox import eggbox_data
from automata.regex import regex_to_dfa
from automata.errors import BudgetExceededError, InvalidAutomatonError
from automata.green import green_structure
from automata.languages import get_language

HAVE_DOT = drawing.graphviz is not None and shutil.which("dot") is not None


def _svg_ok(svg: str) -> ET.Element:
    root = ET.fromstring(svg.encode())
    assert root.tag.endswith("svg")
    return root


def test_engine_auto_falls_back_without_dot(monkeypatch):
    monkeypatch.setattr(drawing.shutil, "which", lambda name: None)
    assert dfa_engine("auto") == "matplotlib"
    with pytest.raises(InvalidAutomatonError, match="graphviz"):
        dfa_engine("graphviz")
    with pytest.raises(InvalidAutomatonError, match="unknown drawing engine"):
        dfa_engine("tikz")


@pytest.mark.parametrize("engine", ["matplotlib",
                                    pytest.param("graphviz", marks=pytest.mark.skipif(
                                        not HAVE_DOT, reason="no dot / graphviz package"))])
def test_draw_dfa_both_engines(engine, tmp_path):
    d = get_language("tomita3").dfa
    svg = draw_dfa(d, tmp_path / "d.svg", engine=engine)
    _svg_ok(svg)
    assert (tmp_path / "d.svg").read_text() == svg
    assert svg != draw_dfa(get_language("parity").dfa, engine=engine)


@pytest.mark.skipif(not HAVE_DOT, reason="no dot / graphviz package")
def test_graphviz_drawing_names_every_state_and_label():
    d = get_language("tomita3").dfa
    root = _svg_ok(draw_dfa(d, engine="graphviz"))
    texts = {t.text for t in root.iter() if t.tag.endswith("text")}
    assert set(d.state_names) <= texts
    assert set(edge_labels(d).values()) <= texts


def test_edge_labels_merge_letters():
    d = regex_to_dfa("a(a|b)*", "ab")
    labels = edge_labels(d)
    assert sum(len(v.split(", ")) for v in labels.values()) == d.n_states * 2


def test_draw_budget_refuses_big_dfa():
    n = 70
    delta = np.array([[(q + 1) % n] for q in range(n)])
    d = DFA(["a"], delta, 0, [0])
    with pytest.raises(BudgetExceededError, match="max_draw_states"):
        draw_dfa(d, engine="matplotlib")
    _svg_ok(draw_dfa(d, engine="matplotlib", max_states=100))


@pytest.mark.parametrize("name", ["parity", "tomita3", "tomita5", "D2", "FFL", "mod_3"])
def test_eggbox_matches_green_structure(name):
    d = get_language(name).dfa
    e = eggbox_data(d)
    g = green_structure(d, method="orbits")
    assert e.mode == "eggbox"
    assert e.size == g.monoid_size == sum(b.size for b in e.d_classes)
    assert sorted((b.rows, b.cols, b.h_size) for b in e.d_classes) == \
        sorted((dc.n_r_classes, dc.n_l_classes, dc.h_size) for dc in g.d_classes)
    c = classify(name)
    cells = [cell for b in e.d_classes for row in b.cells for cell in row]
    assert sum(cell.idempotent for cell in cells) == c.idempotents
    for b in e.d_classes:
        assert len(b.cells) == b.rows and all(len(r) == b.cols for r in b.cells)
        assert all(len(cell.words) == b.h_size for r in b.cells for cell in r)
        assert b.regular == any(cell.group for r in b.cells for cell in r)
    # the identity's D-class is the unique top of the J-order
    assert [b.depth for b in e.d_classes].count(0) == 1
    assert all(up != lo for up, lo in e.edges)


def test_eggbox_names_the_groups():
    e = eggbox_data(get_language("mod_3").dfa)
    assert [b.group for b in e.d_classes] == ["Z_3"]
    t3 = np.array([[1, 2, 0], [1, 0, 2], [1, 1, 2]])          # generates T_3
    d = DFA(["c", "t", "e"], t3.T, 0, [0])
    e = eggbox_data(d, minimize=False)
    assert sorted(b.h_size for b in e.d_classes) == [1, 2, 6]
    assert {b.group for b in e.d_classes} >= {"S_3"}


def test_budget_modes_keep_sizes():
    d = get_language("FFL").dfa
    full = eggbox_data(d)
    poset = eggbox_data(d, max_elements=10)
    ranks = eggbox_data(d, max_poset_elements=10)
    assert poset.mode == "poset" and poset.d_classes[0].cells == ()
    assert poset.edges == full.edges
    assert ranks.mode == "ranks" and ranks.edges == ()
    for e in (poset, ranks):
        assert e.size == full.size
        assert sorted(b.size for b in e.d_classes) == sorted(b.size for b in full.d_classes)
        _svg_ok(draw_eggbox(e))
    with pytest.raises(BudgetExceededError, match="max_eggbox_elements"):
        eggbox_data(d, mode="eggbox", max_elements=10)


def test_draw_eggbox_writes_svg(tmp_path):
    svg = draw_eggbox(get_language("tomita3").dfa, tmp_path / "e.svg")
    _svg_ok(svg)
    assert (tmp_path / "e.svg").read_text() == svg
