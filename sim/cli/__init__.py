"""The ``natosim`` command line (typer): one module per command group."""

from sim.cli.main import app, entry

__all__ = ["app", "entry"]
