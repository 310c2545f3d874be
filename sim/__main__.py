"""``python -m sim``: the natosim command line."""

from sim.cli.main import entry

if __name__ == "__main__":
    entry()
