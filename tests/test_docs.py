"""The documentation site (`make docs`, mkdocs.yml) builds offline and strictly.

One strict build into a temporary folder (the notebooks are rendered from their stored
outputs, never executed), then checks of what a reader gets: a page for every docs/*.md, a
page per notebook with its figures embedded, the API reference, and no script, style sheet,
font or frame loaded from the network. A second, tiny build checks that a broken link fails
the build under the site's own validation settings.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytest.importorskip("mkdocs", reason="needs the docs extra: pip install -e '.[docs]'")
yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
LAYERS = ("sim.core", "sim.data", "sim.model", "sim.runs", "sim.analysis", "sim.viz",
          "sim.outputs", "sim.cli")
REMOTE = re.compile(r"^\s*(https?:)?//", re.I)
# Attributes that make a browser fetch something when the page loads.
FETCHED = {"script": ("src",), "img": ("src", "srcset"), "iframe": ("src",),
           "source": ("src", "srcset"), "video": ("src", "poster"), "audio": ("src",),
           "embed": ("src",), "object": ("data",), "input": ("src",)}
LINK_FETCHED = {"stylesheet", "preload", "modulepreload", "prefetch", "preconnect",
                "dns-prefetch", "icon", "manifest", "apple-touch-icon"}
SCRIPT_URL = re.compile(r"(?:https?:)?//[^\s\"']+?\.m?js\b", re.I)
CSS_REMOTE = re.compile(r"(@import\s+(url\()?|url\()\s*['\"]?\s*(https?:)?//", re.I)


def _mkdocs(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs") / "site"
    result = _mkdocs("--strict", "--clean", "-f", str(ROOT / "mkdocs.yml"), "-d", str(out))
    assert result.returncode == 0, (
        "mkdocs build --strict failed (links must point at pages or files under docs/):\n"
        f"{result.stderr[-4000:]}")
    return out


class _Fetches(HTMLParser):
    """Everything an HTML page makes the browser load: (tag, attribute, value)."""

    def __init__(self) -> None:
        super().__init__()
        self.fetches: list[tuple[str, str, str]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        for name in FETCHED.get(tag, ()):
            if name in values:
                self.fetches += [(tag, name, v.split()[0]) for v in values[name].split(",")
                                 if v.strip()]
        if tag == "link" and LINK_FETCHED & set(values.get("rel", "").lower().split()):
            self.fetches.append((tag, "href", values.get("href", "")))
        if tag == "script":  # a loader that fetches a script named in a data attribute
            self.fetches += [(tag, k, url) for k, v in values.items() if k.startswith("data-")
                             for url in SCRIPT_URL.findall(v)]
        if "style" in values:
            self.styles.append(values["style"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_docs_page_is_built(site: Path) -> None:
    for page in sorted(DOCS.glob("*.md")):
        built = site / f"{page.stem}.html"
        assert built.is_file(), f"docs/{page.name} has no page in the site"
        heading = page.read_text(encoding="utf-8").splitlines()[0].lstrip("# ").strip()
        assert heading.split()[0] in built.read_text(encoding="utf-8")


def test_every_page_is_in_the_navigation(site: Path) -> None:
    """The built navigation links every docs page, notebook and API page (a page that
    mkdocs.yml does not list yet is added under "More pages" by scripts/docs_hooks.py)."""
    html = (site / "index.html").read_text(encoding="utf-8")
    links = set(re.findall(r'class="md-nav__link[^"]*"[^>]*href="([^"#]+)"', html))
    links |= set(re.findall(r'href="([^"#]+)"[^>]*class="md-nav__link', html))
    expected = {f"{p.stem}.html" for p in DOCS.glob("*.md") if p.stem != "index"}
    expected |= {f"notebooks/{p.stem}.html" for p in NOTEBOOKS}
    expected |= {f"api/{layer}.html" for layer in LAYERS} | {"api/index.html"}
    assert expected <= links, f"not in the site's navigation: {sorted(expected - links)}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_pages_show_their_figures(site: Path, notebook: Path) -> None:
    import nbformat

    stored = nbformat.read(notebook, as_version=4)
    pngs = sum("image/png" in o.get("data", {}) for c in stored.cells
               if c.cell_type == "code" for o in c.outputs)
    assert pngs > 0, f"{notebook.name} is stored without figures (run `make notebooks`)"
    html = (site / "notebooks" / f"{notebook.stem}.html").read_text(encoding="utf-8")
    assert html.count('src="data:image/png;base64,') == pngs
    title = stored.cells[0].source.splitlines()[0].lstrip("# ").split("·")[-1].strip()
    assert title.split()[0] in html


def test_api_reference_documents_every_layer(site: Path) -> None:
    assert (site / "api" / "index.html").is_file()
    for layer in LAYERS:
        html = (site / "api" / f"{layer}.html").read_text(encoding="utf-8")
        assert f'id="{layer}' in html, f"no API section for {layer}"
    # Docstrings, not only names: a class and a function with their own words.
    core = (site / "api" / "sim.core.html").read_text(encoding="utf-8")
    assert 'id="sim.core.errors.InputError"' in core
    runs = (site / "api" / "sim.runs.html").read_text(encoding="utf-8")
    assert 'id="sim.runs.experiments.run_paradigms"' in runs
    assert "common random numbers" in runs


def test_no_page_loads_anything_from_the_network(site: Path) -> None:
    remote = []
    for page in _pages(site):
        parser = _Fetches()
        parser.feed(page.read_text(encoding="utf-8"))
        remote += [f"{page.relative_to(site)}: <{tag} {attr}={value!r}>"
                   for tag, attr, value in parser.fetches if REMOTE.match(value)]
        remote += [f"{page.relative_to(site)}: style {m.group(0)!r}"
                   for style in parser.styles for m in CSS_REMOTE.finditer(style)]
    for sheet in sorted(site.rglob("*.css")):
        remote += [f"{sheet.relative_to(site)}: {m.group(0)!r}"
                   for m in CSS_REMOTE.finditer(sheet.read_text(encoding="utf-8"))]
    assert not remote, "\n".join(remote[:20])


def test_the_fetch_check_sees_a_cdn_script() -> None:
    """The parser above is not blind: it reports the usual ways a page loads a CDN."""
    parser = _Fetches()
    parser.feed('<script src="https://cdn.example.org/x.js"></script>'
                '<link rel="stylesheet" href="//fonts.example.org/css">'
                '<script data-loader=\'{"url": "https://cdn.example.org/mathjax.js"}\'></script>'
                '<style>@import url("https://fonts.example.org/f.css");</style>'
                '<a href="https://doi.org/10.1177/002070200906400206">a cited paper</a>')
    assert [REMOTE.match(v) is not None for _, _, v in parser.fetches] == [True, True, True]
    assert len([m for s in parser.styles for m in CSS_REMOTE.finditer(s)]) == 1


def test_a_broken_link_fails_the_build(tmp_path: Path) -> None:
    """The site's own strictness and link validation, on a one-page site (no plugins)."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\nSee [the model](model.md#no-such-page).\n")
    small = {key: config[key] for key in ("site_name", "strict", "validation",
                                          "markdown_extensions") if key in config}
    small.update(docs_dir=str(docs), site_dir=str(tmp_path / "site"), nav=["index.md"])
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(small))
    result = _mkdocs("-f", str(tmp_path / "mkdocs.yml"), cwd=tmp_path)
    assert result.returncode != 0
    assert "model.md" in result.stderr
