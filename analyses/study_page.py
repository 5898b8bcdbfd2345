"""The study page's blocks and its two renderings: one self-contained HTML file and a markdown twin.

A page is a list of :class:`Section` (an ``id``, a title, blocks). Blocks are :class:`Text`
(a paragraph; ``refs`` link to the bibliography), :class:`Table`, :class:`Figure` (SVG text or
PNG bytes) and :class:`Bullets`. :func:`write_page` writes ``index.html``, where every image
is an ``<img>`` with a ``data:`` URI (nothing is fetched: no scripts, no stylesheets, no fonts
from elsewhere), ``index.md``, and the figures as files under ``figures/`` for the markdown.

>>> html = render_html("t", [Section("s1", "One", [Text("a < b"), Table(["x"], [["1"]])])])
>>> '<section id="s1">' in html and "a &lt; b" in html and "<td>1</td>" in html
True
"""
from __future__ import annotations

import base64
import html as _html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from automata.atomic_io import atomic_write_bytes, atomic_write_text

__all__ = ["Text", "Table", "Figure", "Row", "Bullets", "Section", "render_html", "render_markdown",
           "write_page"]


@dataclass
class Text:
    text: str
    refs: Sequence[str] = ()              # bibliography keys cited at the end of the paragraph
    kind: str = "p"                      # "p", "note" (boxed), "code"
    anchor: str | None = None            # an id to link to (bibliography entries)


@dataclass
class Table:
    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    refs_column: int | None = None       # a column holding bibliography keys (comma-separated)
    verdict_column: int | None = None    # a column of verdicts, coloured yes / no / unknown


@dataclass
class Figure:
    name: str                            # file name under figures/ (…svg or …png)
    caption: str
    svg: str | None = None
    png: bytes | None = None

    def data_uri(self) -> str:
        if self.svg is not None:
            return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()
        return "data:image/png;base64," + base64.b64encode(self.png or b"").decode()


@dataclass
class Row:
    """Figures side by side (wrapping on narrow screens)."""

    figures: Sequence[Figure]


@dataclass
class Bullets:
    items: Sequence[str]


@dataclass
class Section:
    id: str
    title: str
    blocks: list = field(default_factory=list)


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;max-width:1150px;
margin:0 auto;padding:0 18px 60px;color:#1d1d1f;background:#fff;line-height:1.45}
h1{font-size:1.7em;margin:.6em 0 .2em} h2{border-bottom:2px solid #e3e3e8;padding-bottom:4px;
margin-top:1.6em} nav{font-size:.92em;margin-bottom:1em} nav a{margin-right:1em}
table{border-collapse:collapse;margin:.6em 0;font-size:.88em} th,td{border:1px solid #d5d5dc;
padding:3px 7px;vertical-align:top;text-align:left} th{background:#f3f3f7}
td.yes{background:#e3f4e1} td.no{background:#fbe3e1} td.unknown{background:#f1f1f1}
td.unbounded-precision{background:#fff4d6}
.row{display:flex;flex-wrap:wrap;gap:10px;align-items:flex-start}
.row figure{flex:1 1 320px;max-width:49%} figure{margin:1em 0} figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.85em;color:#555} .note{background:#f6f6fa;border-left:4px solid #9aa;
padding:6px 10px} code,pre{background:#f4f4f6;padding:1px 4px;font-size:.9em}
sup a{text-decoration:none}
"""


def _esc(s: object) -> str:
    return _html.escape(str(s), quote=True)


def _refs_html(keys: Sequence[str]) -> str:
    return "".join(f'<sup><a href="#ref-{_esc(k)}">[{_esc(k)}]</a></sup>' for k in keys)


def _cell_class(v: str) -> str:
    return f' class="{_esc(v)}"' if v in ("yes", "no", "unknown", "unbounded-precision") else ""


def _block_html(b) -> str:
    if isinstance(b, Text):
        if b.kind == "code":
            return f"<pre>{_esc(b.text)}</pre>"
        cls = ' class="note"' if b.kind == "note" else ""
        if b.anchor:
            cls += f' id="{_esc(b.anchor)}"'
        return f"<p{cls}>{_esc(b.text)}{_refs_html(b.refs)}</p>"
    if isinstance(b, Bullets):
        return "<ul>" + "".join(f"<li>{_esc(i)}</li>" for i in b.items) + "</ul>"
    if isinstance(b, Table):
        head = "".join(f"<th>{_esc(h)}</th>" for h in b.header)
        body = []
        for row in b.rows:
            cells = []
            for j, v in enumerate(row):
                if j == b.refs_column:
                    keys = [k for k in str(v).split(",") if k]
                    cells.append(f"<td>{_refs_html(keys) or '–'}</td>")
                else:
                    cls = _cell_class(str(v)) if j == b.verdict_column else ""
                    cells.append(f"<td{cls}>{_esc(v)}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    if isinstance(b, Row):
        return '<div class="row">' + "".join(_block_html(f) for f in b.figures) + "</div>"
    if isinstance(b, Figure):
        return (f'<figure><img alt="{_esc(b.caption)}" src="{b.data_uri()}">'
                f"<figcaption>{_esc(b.caption)}</figcaption></figure>")
    raise TypeError(f"unknown block {type(b).__name__}")


def render_html(title: str, sections: Sequence[Section], subtitle: str = "") -> str:
    nav = "".join(f'<a href="#{_esc(s.id)}">{_esc(s.title)}</a>' for s in sections)
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>{_esc(title)}</title><style>{_CSS}</style></head><body>",
             f"<h1>{_esc(title)}</h1>", f"<p>{_esc(subtitle)}</p>" if subtitle else "",
             f"<nav>{nav}</nav>"]
    for s in sections:
        parts.append(f'<section id="{_esc(s.id)}"><h2>{_esc(s.title)}</h2>')
        parts += [_block_html(b) for b in s.blocks]
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(p for p in parts if p) + "\n"


def _md_cell(v: object) -> str:
    return str(v).replace("|", "\\|").replace("\n", " ")


def render_markdown(title: str, sections: Sequence[Section], subtitle: str = "") -> str:
    lines = [f"# {title}", ""]
    if subtitle:
        lines += [subtitle, ""]
    for s in sections:
        lines += [f'<a id="{s.id}"></a>', f"## {s.title}", ""]
        for b in s.blocks:
            if isinstance(b, Text):
                cite = "".join(f" [{k}](#ref-{k})" for k in b.refs)
                if b.kind == "code":
                    lines += ["```", b.text, "```", ""]
                else:
                    anchor = f'<a id="{b.anchor}"></a>' if b.anchor else ""
                    lines += [anchor + ("> " if b.kind == "note" else "") + b.text + cite, ""]
            elif isinstance(b, Bullets):
                lines += [f"- {i}" for i in b.items] + [""]
            elif isinstance(b, Table):
                lines.append("| " + " | ".join(_md_cell(h) for h in b.header) + " |")
                lines.append("|" + "---|" * len(b.header))
                for row in b.rows:
                    lines.append("| " + " | ".join(_md_cell(v) for v in row) + " |")
                lines.append("")
            elif isinstance(b, (Figure, Row)):
                for f in (b.figures if isinstance(b, Row) else [b]):
                    lines += [f"![{f.caption}](figures/{f.name})", "", f"*{f.caption}*", ""]
    return "\n".join(lines) + "\n"


def write_page(out: str | Path, title: str, sections: Sequence[Section],
               subtitle: str = "") -> dict[str, str]:
    """Write ``index.html``, ``index.md`` and ``figures/*``; return name -> path."""
    out = Path(out)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    for s in sections:
        figs = [f for b in s.blocks for f in (b.figures if isinstance(b, Row) else [b])]
        for b in figs:
            if isinstance(b, Figure):
                p = out / "figures" / b.name
                if b.svg is not None:
                    atomic_write_text(p, b.svg)
                else:
                    atomic_write_bytes(p, b.png or b"")
    atomic_write_text(out / "index.html", render_html(title, sections, subtitle))
    atomic_write_text(out / "index.md", render_markdown(title, sections, subtitle))
    return {"index.html": str(out / "index.html"), "index.md": str(out / "index.md")}
