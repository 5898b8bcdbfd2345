"""python -m analyses.study: the page's structure (every section, every image embedded, nothing
external), the markdown twin, run reuse, and a real browser rendering each section."""
from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from analyses import study, study_probes
from probing.pipeline import ProbeOptions

SECTIONS = ["language", "algebra", "verdicts", "constructions", "training", "probes"]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or \
    shutil.which("google-chrome")


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sections, self.imgs, self.urls, self.tags, self.ids, self.links = [], [], [], [], set(), []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "section":
            self.sections.append(a.get("id"))
        if tag == "img":
            self.imgs.append(a.get("src", ""))
        for k in ("src", "href", "srcset", "poster", "data"):
            if k in a:
                self.urls.append(a[k])
        if tag == "a" and a.get("href", "").startswith("#"):
            self.links.append(a["href"][1:])


def _parse(path: Path) -> _Page:
    p = _Page()
    p.feed(path.read_text())
    return p


def check_page(out: Path, n_images_at_least: int) -> _Page:
    p = _parse(out / "index.html")
    assert p.sections == SECTIONS
    assert len(p.imgs) >= n_images_at_least
    for src in p.imgs:                      # every image embedded and decodable
        m = re.fullmatch(r"data:image/(svg\+xml|png);base64,([A-Za-z0-9+/=]+)", src)
        assert m, src[:60]
        raw = base64.b64decode(m.group(2), validate=True)
        assert raw.startswith(b"\x89PNG") if m.group(1) == "png" else b"<svg" in raw[:2000]
    assert not [u for u in p.urls if not (u.startswith("data:") or u.startswith("#"))]
    assert not {"script", "link", "iframe", "object", "embed"} & set(p.tags)
    assert not re.search(r"https?://|url\(", (out / "index.html").read_text().split("<body")[0])
    assert set(p.links) <= p.ids                # every in-page link (citations) lands
    md = (out / "index.md").read_text()
    assert [h for h in re.findall(r"^## (\d)\.", md, flags=re.M)] == ["1", "2", "3", "4", "5", "6"]
    for name in re.findall(r"\]\(figures/([^)]+)\)", md):
        assert (out / "figures" / name).stat().st_size > 0
    return p


@pytest.fixture(scope="module")
def quick_page(tmp_path_factory):
    out = tmp_path_factory.mktemp("study") / "D2"
    assert study.main(["D2", "--out", str(out), "--no-training", "--check-length", "300",
                       "--check-strings", "3", "--quiet"]) == 0
    return out


def test_page_structure_without_training(quick_page):
    p = check_page(quick_page, n_images_at_least=2)
    html = (quick_page / "index.html").read_text()
    assert "Skipped (--no-training)" in html
    assert any(k.startswith("ref-") for k in p.ids)
    summary = json.loads((quick_page / "study.json").read_text())
    assert summary["classification"]["monoid_size"] == 15          # D2: Dyck depth 2
    built = [c for c in summary["constructions"] if c["built"]]
    assert built and all(c["accuracy"] == 1.0 and c["check_length"] == 300 for c in built)


def test_bad_inputs_exit_1_before_writing(tmp_path, capsys):
    out = tmp_path / "x"
    assert study.main(["no_such_language", "--out", str(out)]) == 1
    assert study.main(["parity", "--out", str(out), "--gates", "purple"]) == 1
    assert study.main(["parity", "--out", str(out), "--set", "train.lr=-1"]) == 1
    assert not out.exists()
    err = capsys.readouterr().err
    assert err.count("error:") == 3


def _tiny_probes(monkeypatch):
    monkeypatch.setattr(study_probes, "probe_options", lambda quick, regular: ProbeOptions(
        targets=("state",), n_strings=12, max_positions_per_bin=400, controls=False,
        causal=False, untrained=False))


TINY = ["--quick", "--gates", "signed", "--layers", "1", "--check-length", "200",
        "--check-strings", "2", "--quiet", "--set", "data.n_train=40", "--set", "data.n_eval=12",
        "--set", "train.max_steps=4"]


@pytest.mark.slow
def test_page_with_training_and_reuse(tmp_path, monkeypatch):
    _tiny_probes(monkeypatch)
    out = tmp_path / "parity"
    assert study.main(["parity", "--out", str(out), *TINY]) == 0
    check_page(out, n_images_at_least=2 + 2 + 3 * 3)
    runs = json.loads((out / "study.json").read_text())["runs"]
    assert [r["label"] for r in runs] == ["diagonal-signed-L1", "lstm-na-L1",
                                          "transformer-na-L1"]
    assert not any(r["reused"] or r["error"] for r in runs)
    # the same command reuses every run; another config trains beside them, not over them
    assert study.main(["parity", "--out", str(out), *TINY]) == 0
    assert all(r["reused"] for r in json.loads((out / "study.json").read_text())["runs"])
    assert study.main(["parity", "--out", str(out), *TINY, "--set", "train.lr=0.002"]) == 0
    again = json.loads((out / "study.json").read_text())["runs"]
    assert not any(r["reused"] for r in again)
    assert all(Path(r["out"]).name.startswith(r["label"] + "-") for r in again)
    assert len(list((out / "runs").iterdir())) == 6
    if CHROMIUM is not None:
        ink = render_sections(out, tmp_path)
        assert ink[None] == 0.0
        assert all(ink[s] > 0.01 for s in SECTIONS), ink
        assert ink["training"] > 0.03 and ink["probes"] > 0.03, ink      # the figures


# ------------------------------------------------------------------------- headless Chromium
def _screenshot(html: Path, png: Path, height: int = 900) -> np.ndarray:
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--window-size=1200,{height}", f"--screenshot={png}", html.as_uri()],
                   check=True, capture_output=True, timeout=120)
    import matplotlib.image as mpimg

    return mpimg.imread(png)[..., :3]


def _ink(img: np.ndarray) -> float:
    """Fraction of pixels that are not (near) white."""
    return float((img.min(axis=2) < 0.9).mean())


BAND = 800                                          # CSS pixels per section in the test copy


def render_sections(out: Path, tmp: Path) -> dict[str | None, float]:
    """Render the page once in Chromium with every section given the same fixed height (same
    content, header hidden), so section ``i`` lies in rows ``[i * BAND, (i + 1) * BAND)`` of
    one screenshot; return each band's ink, and the ink of one band past the last section
    (key ``None``: it must be blank, or the check could not fail)."""
    css = ("<style>body>h1,body>p,body>nav{display:none} body{margin:0;padding:0} "
           f"section{{display:block;height:{BAND}px;overflow:hidden;margin:0;padding:1px 18px;"
           "box-sizing:border-box}</style>")
    f = tmp / "bands.html"
    f.write_text((out / "index.html").read_text().replace("</head>", css + "</head>", 1))
    img = _screenshot(f, tmp / "bands.png", height=BAND * (len(SECTIONS) + 1))
    assert img.shape[0] == BAND * (len(SECTIONS) + 1)
    ink = {sec: _ink(img[i * BAND:(i + 1) * BAND]) for i, sec in enumerate(SECTIONS)}
    ink[None] = _ink(img[len(SECTIONS) * BAND:])
    return ink


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_chromium_renders_every_section(quick_page, tmp_path):
    ink = render_sections(quick_page, tmp_path)
    assert ink[None] == 0.0                       # below the last section: blank
    for sec in SECTIONS:
        assert ink[sec] > 0.002, (sec, ink[sec])  # at least the heading and a line of text
    # the drawings themselves render: the algebra section holds more ink than text alone
    assert ink["language"] > 0.03 and ink["algebra"] > 0.03
