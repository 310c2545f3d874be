"""Shared fixtures: a small, hand-built Records that follows the output contract."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.model.records import PARTNER_COLUMNS, SERIES_COLUMNS, Records

FAKE_PARADIGMS = ("realist", "liberal")
FAKE_YEARS = tuple(range(1991, 1999))
FAKE_PARTNERS = ("POL", "UKR", "GEO")
FAKE_REPLICAS = 4
FAKE_MILESTONES = [
    {
        "id": "pfp",
        "date": "1994-01-10",
        "time": 1994.03,
        "type": "institution",
        "role": "input",
        "actors": ["NATO"],
        "label": "Partnership for Peace launched",
    },
    {
        "id": "founding-act",
        "date": "1997-05-27",
        "time": 1997.4,
        "type": "institution",
        "role": "input",
        "actors": ["NATO", "RUS"],
        "label": "NATO-Russia Founding Act",
    },
    {
        "id": "madrid",
        "date": "1997-07-08",
        "time": 1997.52,
        "type": "enlargement",
        "role": "input",
        "actors": ["NATO", "POL"],
        "label": "Madrid invitations",
    },
    {
        "id": "obs",
        "date": "1996-01-01",
        "time": 1996.0,
        "type": "crisis",
        "role": "observed",
        "actors": ["RUS"],
        "label": "an observed outcome",
    },
]


def make_records(seed: int = 0) -> Records:
    """A deterministic Records with two paradigms, four replicas, eight years, three partners."""
    rng = np.random.default_rng(seed)
    rows = []
    for p, paradigm in enumerate(FAKE_PARADIGMS):
        for replica in range(FAKE_REPLICAS):
            for i, year in enumerate(FAKE_YEARS):
                r = float(np.clip(0.5 - 0.1 * i * (p + 1) + rng.normal(0, 0.05), -1, 1))
                rows.append(
                    (
                        paradigm,
                        replica,
                        year,
                        r,
                        max(0, 4 - i // 2 - p),
                        -r,
                        r / 2,
                        4.0 + 0.1 * i,
                        2.0,
                        60000.0,
                        9e5,
                        0.0,
                        0.0,
                        4,
                        0,
                    )
                )
    series = pd.DataFrame(rows, columns=list(SERIES_COLUMNS))
    prow = []
    for p, paradigm in enumerate(FAKE_PARADIGMS):
        for replica in range(FAKE_REPLICAS):
            for i, year in enumerate(FAKE_YEARS):
                for k, partner in enumerate(FAKE_PARTNERS):
                    a = float(np.clip(0.6 - 0.3 * k + 0.02 * i + rng.normal(0, 0.05), -1, 1))
                    coercion = 2 if (partner == "GEO" and year >= 1996 and p == 0) else 0
                    prow.append(
                        (paradigm, replica, year, partner, a, 1 + (k == 0), coercion, 0.1, 0.2, 0.3)
                    )
    partners = pd.DataFrame(prow, columns=list(PARTNER_COLUMNS))
    meta = {
        "scenario": "fake",
        "mode": "replay",
        "seed": seed,
        "replicas": FAKE_REPLICAS,
        "paradigms": list(FAKE_PARADIGMS),
        "params": {
            "realist": {"kappa": 1.0, "rho": 2.0, "chi": 0.5},
            "liberal": {"lx": 1.0, "ld": 0.5, "li": 1.0},
        },
        "milestones": FAKE_MILESTONES,
    }
    return Records(series=series, partners=partners, meta=meta)


@pytest.fixture
def fake_records() -> Records:
    return make_records()
