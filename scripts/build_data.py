"""Maintainer script: rebuild the package's data CSVs from the compiled reference data.

Usage::

    python scripts/build_data.py /path/to/reference/data

The reference folder holds the project's compilation of public datasets (SIPRI, V-Dem, COW,
NATO texts); see ``SOURCES.md`` next to this script for the original sources. This script is
not imported by the package and not run by the tests. Its output is deterministic: rows are
sorted and floats are written with fixed precision. ``references.yaml`` and ``SOURCES.md``
are maintained by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

OUT = Path(__file__).resolve().parent.parent / "sim" / "data"
YEARS = range(1991, 2025)

ROLE = {"focal": "focal", "partner": "partner", "nato_pre1999_sipri_only": "nato_founder"}

# Independence: first year in 1991-2024 in which the state exists as an independent state.
INDEPENDENCE = {
    "CZE": (1993, "SIPRI2024", "confirmed (Czechoslovakia split 1 Jan 1993; SIPRI fn 72)"),
    "SVK": (1993, "SIPRI2024", "confirmed (Czechoslovakia split 1 Jan 1993; SIPRI fn 72)"),
    "MNE": (2006, "SIPRI2024;YUGO_BREAKUP", "confirmed (independent Jun 2006; SIPRI fn 76)"),
    "SRB": (
        1992,
        "YUGO_BREAKUP",
        "confirmed-secondary (FR Yugoslavia proclaimed 27 Apr 1992; Serbia alone from Jun 2006)",
    ),
    "BIH": (
        1992,
        "YUGO_BREAKUP",
        "confirmed-secondary (independence referendum 29 Feb-1 Mar 1992)",
    ),
    "HRV": (1991, "YUGO_BREAKUP", "confirmed-secondary (declared 25 Jun 1991)"),
    "SVN": (1991, "YUGO_BREAKUP", "confirmed-secondary (declared 25 Jun 1991)"),
    "MKD": (1991, "YUGO_BREAKUP", "confirmed-secondary (declared 8 Sep 1991)"),
    "GEO": (1991, "RU_FORCES_GEO", "confirmed-secondary (declared 1991; Reuters 2007)"),
}
CIS_1991 = {"RUS", "UKR", "BLR", "MDA", "ARM", "AZE", "KAZ"}
BALTIC = {"EST", "LVA", "LTU"}

# Russian forces stationed on the territory for most of 1991-2024 (True only; see SOURCES.md).
RU_FORCES = {
    "MDA": (
        "RU_FORCES_MDA",
        "confirmed-secondary (14th Army / Operational Group of Russian"
        " Forces in Transnistria, 1991-2024)",
    ),
    "GEO": (
        "RU_FORCES_GEO",
        "confirmed-secondary (Russian bases to Nov 2007; peacekeepers in"
        " Abkhazia/S. Ossetia to 2008; bases there from 2009)",
    ),
    "UKR": (
        "RU_FORCES_UKR",
        "confirmed-secondary (Black Sea Fleet in Sevastopol, 1997 partition"
        " treaty and lease; Crimea occupied from 2014)",
    ),
    "ARM": (
        "RU_FORCES_ARM",
        "confirmed-secondary (102nd base Gyumri; 1995 treaty, extended to 2044)",
    ),
    "BLR": (
        "RU_FORCES_BLR",
        "confirmed-secondary (Vileyka naval communication centre and"
        " Baranovichi early-warning radar, agreements of 6 Jan 1995)",
    ),
    "AZE": (
        "RU_FORCES_AZE",
        "confirmed-secondary (Gabala radar operated by Russia to 10 Dec"
        " 2012; 2020-24 peacekeepers in Karabakh not sourced here)",
    ),
}
FORCES_UNVERIFIED_FALSE = {
    "KAZ": "forces:unverified (coded false; Baikonur leased to Russia from 1994, Russian military"
    " units there until 2011 per a press report; Sary-Shagan range not checked)",
}
# Land neighbours of the CSTO states Belarus, Armenia and Kazakhstan among the 42 countries.
ALLY_NEIGHBOURS = {
    "POL": "BLR",
    "LTU": "BLR",
    "LVA": "BLR",
    "UKR": "BLR",
    "RUS": "BLR;KAZ",
    "GEO": "ARM",
    "AZE": "ARM",
    "TUR": "ARM",
}
FOCAL_NOTES = {
    "RUS": "focal actor: borders_russia/hosts_russian_forces not applicable (coded false);"
    " proximity_w blank",
    "USA": "focal actor: proximity_w blank (MODEL.md rule applies to partner states)",
}


def _fmt(value: object, digits: int) -> str:
    """Format a float with fixed decimals; blank for missing values."""
    if value is None or pd.isna(value):
        return ""
    return f"{float(value):.{digits}f}"


def _bool(value: object) -> str:
    return "true" if str(value).strip().lower() == "true" else "false"


def _join(*parts: str, sep: str = "; ") -> str:
    return sep.join(p for p in parts if p)


def _dedupe_keys(keys: list[str]) -> str:
    out: list[str] = []
    for chunk in keys:
        for key in chunk.split(";"):
            if key and key not in out:
                out.append(key)
    return ";".join(out)


def _field_keys(sources: str) -> dict[str, list[str]]:
    """Map the grouped source text of country_static.csv to citation keys per field."""
    fields = {}
    for part in str(sources).split(" | "):
        if ": " in part:
            name, urls = part.split(": ", 1)
            fields[name] = urls
    keys: dict[str, list[str]] = {}
    for name, urls in fields.items():
        if name == "border":
            keys[name] = ["BORDERS_RU"]
        elif name == "warsaw_pact":
            keys[name] = ["WARSAW_PACT"]
        elif name == "nato":
            keys[name] = ["NATO_TREATY1949"] if "13419" in urls else ["NATO_ACCESSION"]
        elif name == "pfp":
            keys[name] = ["NATO_PFP"]
        elif name == "map":
            keys[name] = ["NATO_BUCHAREST2008"] if "8443" in urls else ["NATO_MAP"]
        elif name == "csto":
            keys[name] = ["CSTO"]
    return keys


def _proximity(role: str, borders: bool, forces: bool, ally: bool) -> str:
    if role == "focal":
        return ""
    if borders or forces:
        return "1.0"
    return "0.6" if ally else "0.3"


def _independence(iso3: str, role: str) -> tuple[int, str, str]:
    if iso3 in INDEPENDENCE:
        return INDEPENDENCE[iso3]
    if iso3 in CIS_1991:
        return 1991, "CIS1991", "confirmed-secondary (USSR dissolved Dec 1991; Alma-Ata 21 Dec)"
    if iso3 in BALTIC:
        return 1991, "", "unverified (independence restored Aug/Sep 1991)"
    return 1991, "", "n/a (state existed before 1991; 1991 = start of period)"


def build_countries(ref: Path) -> pd.DataFrame:
    """Build countries.csv rows from country_static.csv plus the coding tables above."""
    static = pd.read_csv(ref / "country_static.csv", dtype=str, keep_default_na=False)
    rows = []
    for _, r in static.iterrows():
        iso3, role = r.iso3, ROLE[r.panel_role]
        fkeys = _field_keys(r.sources)
        border_ver = ""
        if "border" not in fkeys and iso3 != "RUS":
            fkeys["border"] = ["BORDERS_RU"]
            border_ver = "border:confirmed (absent from the Russian neighbour lists)"
        indep_year, indep_key, indep_ver = _independence(iso3, role)
        borders = iso3 != "RUS" and _bool(r.borders_russia) == "true"
        forces = iso3 in RU_FORCES
        ally = iso3 in ALLY_NEIGHBOURS
        verification = [border_ver, r.verification, f"independence:{indep_ver}"]
        if forces:
            verification.append(f"forces:{RU_FORCES[iso3][1]}")
        elif iso3 in FORCES_UNVERIFIED_FALSE:
            verification.append(FORCES_UNVERIFIED_FALSE[iso3])
        elif iso3 != "RUS" and (r.former_ussr == "True" or r.former_warsaw_pact == "True"):
            verification.append(
                "forces:unverified (coded false: no Russian forces for most of the period)"
            )
        if ally:
            verification.append(
                f"ally_border:confirmed-secondary (land border with {ALLY_NEIGHBOURS[iso3]})"
            )
        else:
            verification.append(
                "ally_border:unverified (no land border with BLR/ARM/KAZ; general geography)"
            )
        keys = [
            *fkeys.get("border", []),
            *fkeys.get("warsaw_pact", []),
            *fkeys.get("nato", []),
            *fkeys.get("pfp", []),
            *fkeys.get("map", []),
            *fkeys.get("csto", []),
            indep_key,
            RU_FORCES[iso3][0] if forces else "",
            "NEIGHBOURS" if ally else "",
        ]
        note = _join(
            r.notes,
            FOCAL_NOTES.get(iso3, ""),
            "proximity_w derived (MODEL.md rule)" if role != "focal" else "",
        )
        rows.append(
            {
                "iso3": iso3,
                "name": r["name"],
                "role": role,
                "independence_year": indep_year,
                "borders_russia": "true" if borders else "false",
                "former_ussr": _bool(r.former_ussr),
                "former_warsaw_pact": _bool(r.former_warsaw_pact),
                "hosts_russian_forces": "true" if forces else "false",
                "borders_russian_ally": "true" if ally else "false",
                "proximity_w": _proximity(role, borders, forces, ally),
                "nato_accession_date": r.nato_accession_date,
                "pfp_join_date": r.pfp_join_date,
                "map_date": r.map_date,
                "source": _dedupe_keys(keys),
                "verification": " | ".join(v for v in verification if v),
                "note": note,
            }
        )
    return pd.DataFrame(rows).sort_values("iso3").reset_index(drop=True)


def _milex_note(r: pd.Series) -> str:
    notes = []
    iso3, year = r.iso3, int(r.year)
    blank_c, blank_p = r.milex_const_usd_m == "", r.milex_pct_gdp == ""
    if blank_c or blank_p:
        if iso3 in {"CZE", "SVK"} and year < 1993:
            why = "state did not exist (Czechoslovakia until 31 Dec 1992; SIPRI fn 72)"
        elif iso3 == "MNE" and year < 2005:
            why = "state did not exist (part of FRY/Serbia and Montenegro; SIPRI fn 76)"
        elif iso3 == "BIH" and year < 1992:
            why = "state did not exist (part of SFR Yugoslavia)"
        elif iso3 == "RUS" and year == 1991:
            why = "no Russia figure for 1991: the USSR is a separate SIPRI series (fn 83)"
        elif iso3 in (CIS_1991 | BALTIC | {"GEO"}) and year == 1991:
            why = "no SIPRI figure (Soviet republic until Dec 1991)"
        elif iso3 == "ISL":
            why = "Iceland has no armed forces: SIPRI records 0 and no share of GDP (fn 86)"
        else:
            why = "no SIPRI figure"
        which = "both figures" if (blank_c and blank_p) else "share of GDP"
        code = r.sipri_missing_code_pct or r.sipri_missing_code_const
        notes.append(
            f"{which} blank: {why}; SIPRI cell '{code}'" if code else f"{which} blank: {why}"
        )
    if "1" in (r.sipri_uncertain_const, r.sipri_uncertain_pct):
        notes.append("SIPRI marks the figure as highly uncertain (red)")
    if iso3 == "SRB" and 1992 <= year <= 2005:
        notes.append(
            "SIPRI 'Serbia' up to 2005 = Serbia and Montenegro (FRY until Feb 2003; fn 79)"
        )
    if iso3 == "MNE" and year == 2005:
        notes.append(
            "SIPRI lists Montenegro for 2005 while Serbia 2005 = Serbia and Montenegro"
            " (possible double count)"
        )
    if iso3 == "BIH" and year < 2005 and not blank_c:
        notes.append("before 2005 combines both entity armies (SIPRI fn 11)")
    if iso3 == "UKR" and not blank_c and (year <= 2007 or year >= 2014):
        notes.append(
            "adopted budget (fn 84)"
            if year <= 2007
            else "uncertain; excludes foreign military aid (fn 84)"
        )
    if iso3 == "POL" and year < 2017:
        notes.append("excludes some off-budget funds (SIPRI fn 78)")
    return "; ".join(notes)


def build_milex(ref: Path, iso3s: set[str]) -> pd.DataFrame:
    """Build milex.csv from the SIPRI columns of country_year.csv."""
    cy = pd.read_csv(ref / "country_year.csv", dtype=str, keep_default_na=False)
    cy = cy[cy.iso3.isin(iso3s) & cy.year.astype(int).isin(YEARS)]
    rows = []
    for _, r in cy.iterrows():
        have = r.milex_const_usd_m != "" or r.milex_pct_gdp != ""
        est = "1" if "1" in (r.sipri_estimate_const, r.sipri_estimate_pct) else "0"
        rows.append(
            {
                "year": int(r.year),
                "actor": r.iso3,
                "milex_const_usd_m": _fmt(r.milex_const_usd_m or None, 6),
                "milex_pct_gdp": _fmt(r.milex_pct_gdp or None, 6),
                "sipri_estimate": est if have else "",
                "source": "SIPRI2025",
                "note": _milex_note(r),
            }
        )
    return pd.DataFrame(rows).sort_values(["actor", "year"]).reset_index(drop=True)


def _polyarchy_note(iso3: str, year: int, blank: bool) -> str:
    if iso3 == "RUS" and year == 1991:
        return "1991 value refers to the USSR (COW/V-Dem code 365)"
    if iso3 == "SRB" and year == 1991:
        return "1991 value refers to SFR Yugoslavia (code 345)"
    if iso3 == "SRB" and year <= 2005:
        return "value refers to FR Yugoslavia / Serbia and Montenegro (code 345)"
    if blank:
        return "no V-Dem value on this state's COW code for the year (not yet a COW state)"
    return ""


def build_polyarchy(ref: Path, iso3s: set[str]) -> pd.DataFrame:
    """Build polyarchy.csv (V-Dem v16 v2x_polyarchy) from country_year.csv."""
    cy = pd.read_csv(ref / "country_year.csv", dtype=str, keep_default_na=False)
    cy = cy[cy.iso3.isin(iso3s) & cy.year.astype(int).isin(YEARS)]
    rows = [
        {
            "year": int(r.year),
            "actor": r.iso3,
            "value": _fmt(r.polyarchy or None, 3),
            "source": "VDEM16",
            "note": _polyarchy_note(r.iso3, int(r.year), r.polyarchy == ""),
        }
        for _, r in cy.iterrows()
    ]
    return pd.DataFrame(rows).sort_values(["actor", "year"]).reset_index(drop=True)


def build_trade(ref: Path) -> pd.DataFrame:
    """Build trade.csv (COW Trade v4.0 shares, 1991-2014) from trade_dyad_year.csv."""
    td = pd.read_csv(ref / "trade_dyad_year.csv", dtype=str, keep_default_na=False)
    rows = []
    for _, r in td.iterrows():
        notes = [r.row_note]
        share_rus = r.share_rus
        if r.rus_trade_zero_suspect == "1":
            share_rus = ""
            notes = [n.replace("COW reports 0", "share_rus blanked: COW reports 0") for n in notes]
        if r.iso3 == "RUS":
            notes.append(
                "share_rus not applicable; share_nato = Russia's trade share with NATO members"
            )
        for col in ("share_nato", "share_eu"):
            if r[col] != "" and float(r[col]) > 1:
                notes.append(f"{col} > 1: dyadic and national COW series differ")
        rows.append(
            {
                "year": int(r.year),
                "actor": r.iso3,
                "share_rus": _fmt(share_rus or None, 4),
                "share_nato": _fmt(r.share_nato or None, 4),
                "share_eu": _fmt(r.share_eu or None, 4),
                "total_trade_musd": _fmt(r.total_trade_musd or None, 4),
                "source": "COW_TRADE4",
                "note": "; ".join(n for n in notes if n),
            }
        )
    return pd.DataFrame(rows).sort_values(["actor", "year"]).reset_index(drop=True)


def build_chronology(ref: Path) -> pd.DataFrame:
    """Build chronology.csv (72 milestones) with a citation-key column."""
    ch = pd.read_csv(ref / "chronology.csv", dtype=str, keep_default_na=False)
    ch["goldstein"] = [_fmt(g or None, 1) for g in ch.goldstein]
    ch["source"] = [
        "CHRON;CAMEO;GOLDSTEIN1992;GDELT_GOLDSTEIN" if c else "CHRON" for c in ch.cameo_code
    ]
    cols = [
        "id",
        "date",
        "date_precision",
        "event",
        "actors",
        "type",
        "subtype",
        "cameo_code",
        "cameo_label",
        "goldstein",
        "cameo_fit",
        "cameo_dyad",
        "verification",
        "notes",
        "sources",
        "source",
    ]
    ch = ch[cols].copy()
    ch["_id"] = ch.id.astype(int)
    return ch.sort_values("_id").drop(columns="_id").reset_index(drop=True)


def main(argv: list[str]) -> int:
    """Rebuild every CSV; return a process exit code."""
    if len(argv) != 2:
        sys.stderr.write(__doc__ or "")
        return 2
    ref = Path(argv[1])
    countries = build_countries(ref)
    iso3s = set(countries.iso3)
    non_founders = set(countries.iso3[countries.role != "nato_founder"])
    frames = {
        "countries.csv": countries,
        "milex.csv": build_milex(ref, iso3s),
        "polyarchy.csv": build_polyarchy(ref, non_founders),
        "trade.csv": build_trade(ref),
        "chronology.csv": build_chronology(ref),
    }
    for name, frame in frames.items():
        frame.to_csv(OUT / name, index=False, lineterminator="\n")
    milex = frames["milex.csv"]
    count = int((milex.milex_const_usd_m != "").sum() + (milex.milex_pct_gdp != "").sum())
    sys.stdout.write(f"SIPRI figures in milex.csv: {count}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
