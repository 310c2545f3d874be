"""``python -m sim``: the natosim command line."""

from sim.cli import entry

if __name__ == "__main__":
    entry()
