"""mkdocs hooks of the documentation site (mkdocs.yml; `make docs`). Not imported by the package.

- The notebooks of ``notebooks/`` become pages ``notebooks/NAME.ipynb`` without a copy in
  ``docs/``; mkdocs-jupyter renders their stored outputs (they are executed by
  ``make notebooks``, never during the build).
- The API reference is generated: one page per layer of docs/architecture.md
  (``api/sim.core.md`` ... ``api/sim.cli.md``) with a mkdocstrings block for every public
  module found under ``sim/<layer>/``, so a new module is documented without editing anything.
- A page of ``docs/`` or a notebook that the nav of mkdocs.yml does not list yet is added to
  the nav under "More pages" (logged), so that a new page is never left out of the site nor
  fails the build; placing it in its section of mkdocs.yml is the tidy fix.
- mkdocs-jupyter adds a MathJax loader to every page that fetches MathJax from a CDN when a
  notebook page opens. The notebooks carry no formulae and the site makes no network
  request, so the loader is removed.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "sim"
NOTEBOOKS = ROOT / "notebooks"

# Top to bottom, as in docs/architecture.md and pyproject.toml's [tool.importlinter].
LAYERS = {
    "sim.cli": "the typer app: one module per command group, and the shared options",
    "sim.outputs": "output folders, the manifest, the writers of each command's folder, reproduce",
    "sim.viz": "charts (Records or DataFrames in, matplotlib Figure out) and the explorer",
    "sim.analysis": "scoring, calibration, validation, compare, sensitivity, likelihood",
    "sim.runs": "ensembles, sweeps, the executor",
    "sim.model": "parameters, paradigms, the chassis, the Mesa model, Records",
    "sim.data": "datasets, the observed record, scenarios, model inputs",
    "sim.core": "errors, safe reading of user files, atomic writes and hashes, versions",
}
# Modules left out of the reference: entry-point shims with nothing to document.
SKIP = {"sim.__main__"}

log = logging.getLogger("mkdocs.hooks.natosim")
_MATHJAX_LOADER = re.compile(r"<script data-mkdocs-jupyter-mathjax=.*?</script>\s*", re.S)


def layer_modules(layer: str) -> list[str]:
    """The dotted names of the layer's package and of every public module under it."""
    folder = PACKAGE.joinpath(*layer.split(".")[1:])
    names = []
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if any(part.startswith("_") for part in parts):
            continue
        names.append(".".join(parts))
    return [name for name in sorted(names, key=lambda n: (n.count("."), n)) if name not in SKIP]


def layer_page(layer: str) -> str:
    blocks = [f"# `{layer}`\n\n{LAYERS[layer].capitalize()}. Generated from the docstrings.\n"]
    blocks += [f"::: {name}\n" for name in layer_modules(layer)]
    return "\n".join(blocks)


def index_page() -> str:
    rows = "\n".join(f"| [`{layer}`]({layer}.md) | {what} |" for layer, what in LAYERS.items())
    return (
        "# API reference\n\n"
        "Generated from the docstrings, one page per layer, top to bottom: a module imports\n"
        "only from its own layer or the layers below it ([architecture](../architecture.md)).\n\n"
        f"| layer | what |\n|---|---|\n{rows}\n"
    )


def nav_leaves(node) -> list[str]:
    """Every page path named in a mkdocs nav (a list of strings and one-key mappings)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [leaf for item in node for leaf in nav_leaves(item)]
    if isinstance(node, dict):
        return [leaf for value in node.values() for leaf in nav_leaves(value)]
    return []


def on_config(config):
    listed = set(nav_leaves(config["nav"] or []))
    pages = [p.name for p in sorted(Path(config["docs_dir"]).glob("*.md"))]
    pages += [f"notebooks/{p.name}" for p in sorted(NOTEBOOKS.glob("*.ipynb"))]
    missing = [page for page in pages if page not in listed]
    if missing and config["nav"] is not None:
        log.info("not in the nav of mkdocs.yml, added under 'More pages': %s", ", ".join(missing))
        config["nav"].append({"More pages": missing})
    return config


@event_priority(100)  # before mkdocs-jupyter's on_files, which wraps the notebook files
def on_files(files: Files, config) -> Files:
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        files.append(File(f"notebooks/{path.name}", str(ROOT), config["site_dir"],
                          config["use_directory_urls"]))
    files.append(File.generated(config, "api/index.md", content=index_page()))
    for layer in LAYERS:
        files.append(File.generated(config, f"api/{layer}.md", content=layer_page(layer)))
    return files


@event_priority(-100)  # after mkdocs-jupyter's on_post_page, which inserts the loader
def on_post_page(output: str, page, config) -> str:
    return _MATHJAX_LOADER.sub("", output)
