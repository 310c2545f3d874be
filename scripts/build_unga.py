"""Maintainer script: build ``sim/data/unga_agreement.csv`` (observables O7 and O8).

Run by hand, never by tests or at run time::

    .venv/bin/python scripts/build_unga.py [/work/shared/data] [--verify UNVOTES_DATA_DIR]

The source is the compiled reference file ``unga_agreement.csv`` (one row per pair and year:
``iso3_a, iso3_b, year, agree_share, n_votes, note``). Its numbers come from Voeten's UN
General Assembly roll-call votes as packaged in the R package ``unvotes`` (citation keys
``VOETEN_UNGA`` and ``UNVOTES`` in ``sim/data/references.yaml``). This script only reshapes
them: it writes a tidy long table ``year, actor, counterpart, value, n_votes, source, note``
with ``value`` = share of the year's roll calls in which both states cast the same vote
(yes/no/abstain), the pair's order fixed (``actor`` is the partner or RUS; ``counterpart`` is
RUS or USA). Nothing is imputed: a year without a row stays missing.

``--verify DIR`` recomputes every share from ``un_votes.rda`` and ``un_roll_calls.rda`` in DIR
(the ``data/`` folder of github.com/dgrtwo/unvotes) and stops if any value or vote count
differs. It needs the ``rdata`` package, which is not a project dependency.

O7 (RUS-USA agreement) and O8 (a partner's agreement with USA minus with RUS) are derived from
this file by ``sim.data.observed``; see ``sim/data/OBSERVED.md``.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import pandas as pd

OUT = Path(__file__).resolve().parent.parent / "sim" / "data" / "unga_agreement.csv"
SOURCE = "VOETEN_UNGA;UNVOTES"
FOCAL = ("RUS", "USA")
# unvotes' country codes (ISO-2, 'YU' for Yugoslavia/FRY/Serbia) -> ISO-3 as in countries.csv
ISO2 = {
    "US": "USA", "RU": "RUS", "AL": "ALB", "AM": "ARM", "AZ": "AZE", "BG": "BGR", "BA": "BIH",
    "BY": "BLR", "CZ": "CZE", "EE": "EST", "FI": "FIN", "GE": "GEO", "HR": "HRV", "HU": "HUN",
    "KZ": "KAZ", "LT": "LTU", "LV": "LVA", "MD": "MDA", "MK": "MKD", "ME": "MNE", "PL": "POL",
    "RO": "ROU", "YU": "SRB", "SK": "SVK", "SI": "SVN", "SE": "SWE", "UA": "UKR",
}


def tidy(compiled: pd.DataFrame) -> pd.DataFrame:
    """Reshape the compiled pairs into ``year, actor, counterpart, value, n_votes, ...``."""
    rows = []
    for r in compiled.itertuples():
        pair = {r.iso3_a, r.iso3_b}
        if pair == set(FOCAL):
            actor, counterpart = "RUS", "USA"
        elif len(pair & set(FOCAL)) == 1:
            counterpart = (pair & set(FOCAL)).pop()
            actor = (pair - set(FOCAL)).pop()
        else:
            raise ValueError(f"pair {r.iso3_a}-{r.iso3_b} does not involve RUS or USA")
        note = r.note if isinstance(r.note, str) else ""
        rows.append((int(r.year), actor, counterpart, f"{r.agree_share:.6f}", int(r.n_votes),
                     SOURCE, note))
    cols = ["year", "actor", "counterpart", "value", "n_votes", "source", "note"]
    out = pd.DataFrame(rows, columns=cols)
    if out.duplicated(["year", "actor", "counterpart"]).any():
        raise ValueError("duplicate pair-year in the compiled file")
    return out.sort_values(["actor", "counterpart", "year"]).reset_index(drop=True)


def verify(table: pd.DataFrame, unvotes_dir: Path) -> None:
    """Recompute every share from the unvotes files; raise if any value or count differs."""
    import rdata  # maintainer-only dependency

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        votes = rdata.read_rda(str(unvotes_dir / "un_votes.rda"))["un_votes"]
        calls = rdata.read_rda(str(unvotes_dir / "un_roll_calls.rda"))["un_roll_calls"]
    calls = pd.DataFrame({"rcid": calls["rcid"].astype(float),
                          "year": pd.to_datetime(calls["date"].astype(float), unit="D").dt.year})
    votes = votes[votes["country_code"].isin(list(ISO2))].merge(calls, on="rcid")
    votes["iso3"] = votes["country_code"].map(ISO2)
    wide = votes.pivot_table(index=["year", "rcid"], columns="iso3", values="vote",
                             aggfunc="first", observed=True)
    bad = []
    for r in table.itertuples():
        both = wide.loc[r.year][[r.actor, r.counterpart]].dropna()
        share, n = float((both[r.actor] == both[r.counterpart]).mean()), len(both)
        if n != r.n_votes or abs(share - float(r.value)) > 5e-7 + 1e-12:
            bad.append((r.year, r.actor, r.counterpart, r.value, share, r.n_votes, n))
    if bad:
        raise SystemExit(f"{len(bad)} rows differ from unvotes, e.g. {bad[:3]}")
    print(f"verified {len(table)} rows against {unvotes_dir}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", nargs="?", type=Path, default=Path("/work/shared/data"))
    parser.add_argument("--verify", type=Path, default=None, metavar="UNVOTES_DATA_DIR")
    args = parser.parse_args()
    table = tidy(pd.read_csv(args.src / "unga_agreement.csv"))
    if args.verify is not None:
        verify(table, args.verify)
    table.to_csv(OUT, index=False)


if __name__ == "__main__":
    main()
