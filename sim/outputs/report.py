"""``report.html``: one self-contained offline page from a compare, validate or likelihood
folder (``natosim report DIR``, also written at the end of those three commands).

The page holds the verdict as a chart (skills or log scores with their intervals, the naive
baselines as reference lines), the verdict text, the scorecard and key figures, the
parameters, the provenance from the manifest and the threats to validity. Every image is a
``data:`` URI and the style sheet is inline: the page makes no request. It is built only
from the folder's files and the deterministic part of its manifest, so the same folder
gives the same bytes, and ``reproduce`` can check it like any other output: the run's time,
working folder, git commit and ``--out`` path, which differ between identical runs, are left
to ``manifest.json``.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.core.errors import InputError
from sim.core.files import figure_bytes, file_sha256, write_text_atomic
from sim.core.safeload import short_path
from sim.outputs import report_kinds
from sim.outputs.folders import MANIFEST_NAME

REPORT_NAME = "report.html"
#: Folder kinds a report can be made of (``kind`` in the manifest).
REPORT_KINDS = ("compare", "validate", "likelihood")
#: Manifest fields that differ between two identical runs: never on the page.
VOLATILE = ("created", "git_commit", "working_directory")
#: Recorded options whose values are paths: shown by file name only.
PATH_OPTIONS = ("--params", "--counterfactual")

STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#222;max-width:1100px;
margin:0 auto;padding:1.5em}
h1{font-size:1.5em;margin-bottom:.2em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;
margin-top:1.8em}.sub{color:#555;margin-top:0}
.verdict{background:#f4f1e8;border-left:4px solid #b58900;padding:.6em 1em}
table{border-collapse:collapse;margin:.6em 0;font-size:.9em}
th,td{border:1px solid #ddd;padding:.25em .55em;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
img{max-width:100%;height:auto;border:1px solid #eee}figure{margin:1em 0}
figcaption{color:#555;font-size:.9em}code{font-size:.9em;word-break:break-all}
.bound{color:#b00;font-weight:bold}
"""


def report_kind(content: Mapping[str, Any]) -> str | None:
    """The report kind of a manifest: ``compare``, ``validate``, ``likelihood`` or None.

    A likelihood folder is told by its ``likelihood`` settings (older ones were recorded
    with kind ``run``).
    """
    if isinstance(content.get("likelihood"), dict):
        return "likelihood"
    kind = content.get("kind")
    return kind if kind in REPORT_KINDS else None


def read_folder(folder: str | Path) -> dict[str, Any]:
    """The manifest of a report folder, checked.

    Raises:
        InputError: no such folder, no ``manifest.json``, or a kind a report cannot show.
    """
    from sim.outputs.reproduce import read_manifest

    folder = Path(folder)
    if not folder.is_dir():
        what = "not a folder" if folder.exists() else "no such folder"
        raise InputError(short_path(folder), "", f"{what}; expected a compare, validate or "
                         "likelihood output folder")
    if not (folder / MANIFEST_NAME).is_file():
        raise InputError(short_path(folder), "", f"no {MANIFEST_NAME}; expected a compare, "
                         "validate or likelihood output folder")
    content = read_manifest(folder)
    if report_kind(content) is None:
        raise InputError(short_path(folder / MANIFEST_NAME), "kind",
                         f"a {content.get('kind', 'unknown')!s:.40} folder; a report needs a "
                         f"{', '.join(REPORT_KINDS[:-1])} or {REPORT_KINDS[-1]} folder")
    return content


def build_report(folder: str | Path, content: Mapping[str, Any]) -> str:
    """The HTML page of ``folder`` (its files and manifest ``content``)."""
    folder = Path(folder)
    kind = report_kind(content)
    page = report_kinds.BUILDERS[kind](Page(folder, content))
    return page.render()


def write_report(folder: str | Path, content: Mapping[str, Any],
                 out: str | Path | None = None) -> Path:
    """Build the page and write it atomically to ``out`` (default ``folder/report.html``)."""
    target = Path(out) if out is not None else Path(folder) / REPORT_NAME
    return write_text_atomic(target, build_report(folder, content))


def add_report(staging: Path, content: dict[str, Any]) -> dict[str, Any]:
    """Write ``report.html`` into a staged folder and add its hash to the manifest's files
    (so ``reproduce`` checks it); return the updated manifest."""
    path = write_report(staging, content)
    files = {**content["files"], REPORT_NAME: file_sha256(path)}
    return {**content, "files": dict(sorted(files.items()))}


# --------------------------------------------------------------------------- the page


class Page:
    """A report page being filled: sections of escaped HTML, then :meth:`render`."""

    def __init__(self, folder: Path, content: Mapping[str, Any]) -> None:
        self.folder, self.content = folder, content
        self.parts: list[str] = []
        self.title = ""

    # reading the folder
    def table(self, name: str) -> pd.DataFrame | None:
        """A CSV of the folder, or None when it is absent."""
        path = self.folder / name
        return pd.read_csv(path) if path.is_file() else None

    def text(self, name: str) -> str | None:
        path = self.folder / name
        return path.read_text(encoding="utf-8") if path.is_file() else None

    # writing the page
    def heading(self, title: str, subtitle: str) -> None:
        self.title = title
        self.parts.append(f"<h1>{esc(title)}</h1><p class=sub>{esc(subtitle)}</p>")

    def section(self, title: str) -> None:
        self.parts.append(f"<h2>{esc(title)}</h2>")

    def paragraph(self, text: str, cls: str = "") -> None:
        attr = f" class={cls}" if cls else ""
        self.parts.append(f"<p{attr}>{esc(text)}</p>")

    def items(self, texts: Iterable[str], cls: str = "") -> None:
        attr = f" class={cls}" if cls else ""
        self.parts.append(f"<ul{attr}>" + "".join(f"<li>{esc(t)}</li>" for t in texts)
                          + "</ul>")

    def frame(self, frame: pd.DataFrame, numbers: int = 3) -> None:
        """A table; floats to ``numbers`` decimals, NaN as a dash."""
        head = "".join(f"<th>{esc(str(c))}</th>" for c in frame.columns)
        rows = []
        for row in frame.itertuples(index=False):
            cells = []
            for value in row:
                if isinstance(value, float):
                    shown = "–" if value != value else f"{value:.{numbers}f}"
                    cells.append(f"<td class=num>{esc(shown.replace('-', '−'))}</td>")
                else:
                    cells.append(f"<td>{esc(str(value))}</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        self.parts.append(f"<table><tr>{head}</tr>{''.join(rows)}</table>")

    def image(self, name: str, caption: str) -> bool:
        """Embed ``name`` (PNG, or the SVG of the same chart) from the folder; False when
        the folder has neither."""
        stem = Path(name).with_suffix("")
        for suffix, mime in ((".png", "image/png"), (".svg", "image/svg+xml")):
            path = self.folder / f"{stem}{suffix}"
            if path.is_file():
                self._img(path.read_bytes(), mime, caption)
                return True
        return False

    def figure(self, fig: Any, caption: str) -> None:
        """Embed a matplotlib figure rendered now (PNG)."""
        self._img(figure_bytes(fig, "png"), "image/png", caption)

    def _img(self, data: bytes, mime: str, caption: str) -> None:
        uri = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        self.parts.append(f'<figure><img alt="{esc(caption)}" src="{uri}">'
                          f"<figcaption>{esc(caption)}</figcaption></figure>")

    def provenance(self, extra: Sequence[tuple[str, str]] = ()) -> None:
        """The deterministic part of the manifest: build, settings, inputs, outputs."""
        c = self.content
        self.section("Provenance (from manifest.json)")
        rows = [("kind", report_kind(c) or ""), ("command", recorded_command(c)),
                ("scenario", f"{c['scenario'].get('name', '?')} · sha256 "
                 f"{c['scenario']['sha256']}"),
                ("seed", str(c.get("seed"))), ("replicas", str(c.get("replicas"))),
                ("mode", str(c.get("mode"))), ("paradigms", ", ".join(c.get("paradigms", []))),
                ("natosim", str(c.get("natosim_version"))),
                ("Python", str(c.get("python_version"))),
                ("libraries", ", ".join(f"{k} {v}" for k, v in
                                        sorted(c.get("libraries", {}).items()))), *extra]
        self.frame(pd.DataFrame(rows, columns=["field", "value"]))
        hashes = [("data", n, h) for n, h in sorted(c.get("data", {}).items())]
        hashes += [("observed", n, h) for n, h in sorted(c.get("observed_data", {}).items())]
        hashes += [("output", n, h) for n, h in sorted(c.get("files", {}).items())
                   if n != REPORT_NAME]
        self.paragraph("sha256 of every input and output file (report.html itself is hashed "
                       "in manifest.json; so are the run's time, working folder and git "
                       "commit, left off this page so that the same run gives the same "
                       "page):")
        self.frame(pd.DataFrame(hashes, columns=["file", "name", "sha256"]))

    def render(self) -> str:
        body = "\n".join(self.parts)
        return ("<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
                '<meta name=viewport content="width=device-width,initial-scale=1">'
                f"<title>{esc(self.title)}</title><style>{STYLE}</style></head><body>\n"
                f"{body}\n</body></html>\n")


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def recorded_command(content: Mapping[str, Any]) -> str:
    """The recorded command line without what differs between identical runs: the
    scenario argument shown by its name, ``--out`` and ``--force`` dropped, path options
    by file name."""
    command = [str(p) for p in content.get("command", [])]
    sub = next((i for i, p in enumerate(command) if p in REPORT_KINDS), None)
    shown, skip = [], False
    for i, part in enumerate(command):
        if skip:
            skip = False
        elif part in ("--out", "--force"):
            skip = part == "--out"
        elif sub is not None and i == sub + 1:
            shown.append(str(content.get("scenario", {}).get("name", part)))
        else:
            previous = command[i - 1] if i else ""
            shown.append(Path(part).name if previous in PATH_OPTIONS else part)
    return " ".join(shown)
