"""automata.atomic_io: an output appears whole or not at all."""
from __future__ import annotations

import os
import stat

import pytest

from automata.atomic_io import atomic_directory, atomic_open, atomic_write_bytes, atomic_write_text


def test_file_replaced_only_on_success(tmp_path):
    p = tmp_path / "r.json"
    atomic_write_text(p, "old")
    with pytest.raises(RuntimeError):
        with atomic_open(p) as f:
            f.write("half")
            raise RuntimeError("crash mid-write")
    assert p.read_text() == "old"
    atomic_write_bytes(p, b"\x00new")
    assert p.read_bytes() == b"\x00new"
    assert [x.name for x in tmp_path.iterdir()] == ["r.json"]      # no temporaries left
    with pytest.raises(ValueError, match="writes only"):
        with atomic_open(p, "a"):
            pass


def test_directory_replaced_as_a_whole(tmp_path):
    out = tmp_path / "out"
    with atomic_directory(out) as d:
        (d / "a").write_text("1")
        (d / "stale").write_text("1")
    with atomic_directory(out) as d:
        (d / "a").write_text("2")
    assert sorted(x.name for x in out.iterdir()) == ["a"] and (out / "a").read_text() == "2"
    with pytest.raises(RuntimeError):
        with atomic_directory(out) as d:
            (d / "a").write_text("3")
            raise RuntimeError
    assert (out / "a").read_text() == "2"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["out"]
    with pytest.raises(FileExistsError):
        with atomic_directory(out, overwrite=False):
            pass


def test_outputs_get_the_usual_permissions_not_tempfiles_private_ones(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "page.html", "<html></html>")
        with atomic_directory(tmp_path / "out") as d:
            (d / "x").write_text("1")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "page.html").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o755
