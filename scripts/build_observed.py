"""Maintainer script: build the observed-record files in ``sim/data`` from the reference data.

Run by hand, never by tests or at run time::

    .venv/bin/python scripts/build_observed.py [/work/shared/data]

It reads the compiled reference folder (``country_static.csv``, ``chronology.csv``,
``cameo_goldstein_weights.csv``) and writes the files below. O1 and O2 are not written here:
``sim/observed.py`` derives them from ``milex.csv`` and ``countries.csv``.

- ``observed_status.csv``  O3 (coded here by the rule in OBSERVED.md, from the chronology);
- ``event_coding.csv``     O4 event codes (the coding decisions are the ``CODING`` table below);
- ``cameo_goldstein.csv``  the pinned CAMEO -> Goldstein table (GDELT column);
- ``observed_coercion.csv`` O5 (the ``COERCION`` table below; zeros written explicitly);
- ``observed_status_events.csv`` O6 (PfP, MAP, invitation, accession dates).

Every judgement is in a table in this file, so a diff of this file is a diff of the coding.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

OUT = Path(__file__).resolve().parent.parent / "sim" / "data"
YEARS = range(1991, 2025)
PARTNERS = [
    "POL", "CZE", "HUN", "SVK", "SVN", "EST", "LVA", "LTU", "ROU", "BGR", "ALB",
    "HRV", "MNE", "MKD", "FIN", "SWE", "UKR", "GEO", "MDA", "BLR", "ARM", "AZE",
]

# ---------------------------------------------------------------------------------------------
# O3: institutional status at year end (rule in OBSERVED.md). Years not listed carry forward.
# year -> (S, chronology ids, rule applied)
STATUS: dict[int, tuple[int, str, str]] = {
    1991: (1, "2", "NACC inaugurated 20 Dec 1991 with the USSR/Russia at the table: rung 1"),
    1994: (2, "4;5;6", "Russia signed the PfP Framework Document 22 Jun: rung 2 (declining the "
           "IPP on 1 Dec did not withdraw the signature)"),
    1997: (3, "11;13", "Founding Act 27 May; first PJC meeting 18 Jul: rung 3"),
    1999: (0, "16", "Russia suspended PJC and PfP cooperation 24 Mar; not restored by 31 Dec "
           "(limited Balkan-only PJC contacts do not lift a suspension): 0"),
    2000: (3, "19", "ties restored and PJC dialogue resumed 16 Feb: rung 3"),
    2002: (4, "23", "NRC established 28 May: rung 4"),
    2008: (0, "33", "NATO put formal NRC meetings on hold 19 Aug; not resumed by 31 Dec: 0"),
    2009: (4, "35", "decision to resume formal NRC meetings 5 Mar: rung 4"),
    2014: (1, "45", "all practical cooperation suspended 1 Apr; NRC kept for political dialogue "
           "only: coded 1 (a consultation-only forum, the function of rung 1)"),
    2016: (1, "48", "NRC ambassadors meet again 20 Apr; practical cooperation still "
           "suspended: stays 1"),
    2021: (0, "57;58", "Russia suspends its NATO mission, NATO offices in Moscow closed from "
           "1 Nov: no channel left: 0"),
    2022: (0, "60;62", "one NRC meeting 12 Jan, then full-scale war from 24 Feb; no ties at "
           "31 Dec: 0"),
}
S_LABELS = {0: "none/suspended", 1: "NACC/EAPC", 2: "PfP", 3: "PJC", 4: "NRC"}

# ---------------------------------------------------------------------------------------------
# O4: one code per chronology event. id -> (included, code or "", direction, rationale)
# Rule (OBSERVED.md): include an event iff its coded act runs between the NATO side (NATO,
# its bodies, NATO states acting together as treaty parties, or the United States named as an
# actor) and Russia, in either direction. Acts aimed at third parties are excluded unless the
# chronology row itself records (and codes, in its notes) an act between the two sides.
R_THIRD = "act aimed at a third party, not NATO<->Russia"
R_ENL = "enlargement act coded NATO<->accessor; no NATO<->Russia act coded in the row"
R_TREATY = ("no code in the chronology; treaty withdrawal/suspension coded 160 'Reduce "
            "relations', the nearest code the chronology gives for this subtype (ids 21, 24, 29, "
            "52, 66)")
CODING: dict[int, tuple[int, str, str, str]] = {
    1: (0, "030", "NATO->USSR", "1990, before the observed period 1991-2024; counterpart USSR"),
    2: (1, "040", "NATO<->RUS", "as coded in the chronology"),
    3: (0, "", "", "not a dyadic act (context: end of the USSR)"),
    4: (1, "030", "NATO->RUS", "addressed to all NACC partners, Russia among them"),
    5: (1, "057", "RUS<->NATO", "as coded"),
    6: (1, "120", "RUS->NATO", "as coded"),
    7: (1, "057", "RUS<->NATO", "as coded"),
    8: (0, "195", "NATO->Bosnian Serbs", R_THIRD),
    9: (1, "062", "RUS<->NATO", "as coded"),
    10: (1, "062", "RUS<->NATO", "as coded"),
    11: (1, "057", "NATO<->RUS", "as coded"),
    12: (0, "036", "NATO->invitees", R_ENL),
    13: (1, "040", "NATO<->RUS", "as coded"),
    14: (0, "057", "NATO<->accessors", R_ENL),
    15: (0, "195", "NATO->FRY", R_THIRD + "; Russia's response is event 16"),
    16: (1, "161", "RUS->NATO", "as coded"),
    17: (1, "150", "RUS->NATO", "as coded"),
    18: (1, "057", "RUS<->NATO states", "NATO states acting together as treaty parties"),
    19: (1, "050", "NATO<->RUS", "as coded"),
    20: (1, "064", "RUS->US", "as coded (US named)"),
    21: (1, "160", "US->RUS", "no code in the chronology; nearest code noted there: 160"),
    22: (1, "057", "US<->RUS", "as coded (US named)"),
    23: (1, "057", "NATO<->RUS", "as coded"),
    24: (1, "160", "RUS->US", "no code in the chronology; nearest code noted there: 160"),
    25: (0, "036", "NATO->invitees", R_ENL),
    26: (1, "111", "RUS->US", "as coded (US named; the subject, Iraq, is not a NATO operation)"),
    27: (1, "111", "RUS->NATO", "recoded: the row records the Russian MFA's concern at the "
         "accession; first code noted in the chronology (111)"),
    28: (1, "111", "RUS->US/NATO", "as coded"),
    29: (1, "160", "RUS->NATO states", "no code in the chronology; nearest code noted: 160"),
    30: (1, "111", "RUS->US/West", "as coded (US named)"),
    31: (0, "032", "NATO->GEO/UKR", R_THIRD + "; the NRC summit of 4 Apr is mentioned but "
         "not coded in the row"),
    32: (0, "190", "RUS->GEO", R_THIRD + " (scored in O5)"),
    33: (1, "160", "NATO->RUS", "as coded"),
    34: (0, "054", "RUS->Abkhazia/S.Ossetia", R_THIRD),
    35: (1, "036", "NATO->RUS", "as coded"),
    36: (1, "030", "US<->RUS", "as coded (US named)"),
    37: (0, "057", "NATO<->accessors", R_ENL),
    38: (1, "057", "US<->RUS", "as coded (US named)"),
    39: (1, "031", "NATO<->RUS", "as coded"),
    40: (1, "057", "US<->RUS", "as coded (US named); the same treaty as event 38, entry into "
         "force is a separate dated act"),
    41: (1, "112", "RUS->NATO", "recoded: the row records Russia accusing NATO of exceeding "
         "the UN mandate; code noted in the chronology (112); NATO->LBY itself is third-party"),
    42: (1, "163", "US/EU->RUS", "as coded (US named)"),
    43: (0, "192", "RUS->UKR", R_THIRD + " (scored in O5)"),
    44: (0, "161", "G7->RUS", "actor is the G7 as a forum; neither NATO nor the US is named"),
    45: (1, "160", "NATO->RUS", "as coded"),
    46: (0, "163", "EU->RUS", "actor is the EU, not NATO or the US"),
    47: (1, "154", "NATO->RUS", "as coded"),
    48: (1, "040", "NATO<->RUS", "as coded"),
    49: (1, "154", "NATO->RUS", "as coded"),
    50: (0, "057", "NATO<->MNE", R_ENL + "; the Russian threat noted (130) is aimed at MNE"),
    51: (1, "161", "NATO->RUS", "as coded"),
    52: (1, "160", "US->RUS", "no code in the chronology; first nearest code noted there: 160"),
    53: (0, "057", "NATO<->MKD", R_ENL),
    54: (1, "160", "US->RUS", R_TREATY),
    55: (1, "057", "US<->RUS", "as coded (US named)"),
    56: (1, "160", "RUS->treaty parties", R_TREATY + "; the parties include the US and "
         "NATO states"),
    57: (1, "161", "NATO->RUS", "as coded"),
    58: (1, "161", "RUS->NATO", "as coded"),
    59: (1, "100", "RUS->US/NATO", "as coded"),
    60: (1, "040", "NATO<->RUS", "as coded"),
    61: (0, "054", "RUS->DPR/LPR", R_THIRD),
    62: (1, "152", "NATO->RUS", "recoded: RUS->UKR is third-party (scored in O5); the row "
         "records NATO activating its defence plans, code noted in the chronology (152)"),
    63: (1, "163", "West->RUS", "as coded (US named among the actors)"),
    64: (0, "020", "FIN/SWE->NATO", R_ENL),
    65: (1, "111", "NATO->RUS", "as coded"),
    66: (1, "160", "RUS->US", "no code in the chronology; nearest code noted there: 160"),
    67: (0, "057", "NATO<->FIN", R_ENL + " (the Kremlin's warning is not coded)"),
    68: (1, "160", "RUS->CFE parties", R_TREATY + "; the parties include the US and NATO "
         "states"),
    69: (1, "160", "RUS<->NATO", R_TREATY + "; Russia's exit and the Allies' suspension are "
         "one dated act, coded once"),
    70: (0, "057", "NATO<->SWE", R_ENL),
    71: (0, "032", "NATO->UKR", R_THIRD),
    72: (1, "138", "RUS->NATO", "as coded"),
}

# ---------------------------------------------------------------------------------------------
# O5: Russian coercion, (partner, year) -> (level, citation key, url, verification, note).
# Rule (OBSERVED.md): economic measures are coded in the year they are imposed; force is coded
# in every year with hostilities involving Russian forces against the partner's government.
COERCION: dict[tuple[str, int], tuple[int, str, str, str, str]] = {
    ("MDA", 1992): (2, "WP_TRANSNISTRIA", "https://en.wikipedia.org/wiki/Transnistrian_War",
                    "secondary", "Transnistria war, main phase 2 Mar-21 Jul 1992; elements of "
                    "the Russian 14th Army supported the PMR forces"),
    ("BLR", 2004): (1, "RFERL2004BLR", "https://www.rferl.org/a/1051580.html", "confirmed",
                    "gas supplies cut 18 Feb 2004 in a price dispute"),
    ("POL", 2005): (1, "EURACTIV2007", "http://www.euractiv.com/energy/"
                    "lithuania-threatens-block-eu-rus-news-217797", "secondary",
                    "Russian ban on Polish meat imports (Nov 2005); month from knowledge, "
                    "unverified"),
    ("UKR", 2006): (1, "IRISHTIMES2006", "https://www.irishtimes.com/news/"
                    "russia-begins-cutting-off-gas-supply-to-ukraine-1.766611", "confirmed",
                    "Gazprom cut gas for Ukrainian consumers 1 Jan 2006"),
    ("MDA", 2006): (1, "WIKINEWS2006MDA;WP_WINEBAN2006",
                    "https://en.wikinews.org/w/index.php?title="
                    "Gazprom_stops_supplying_gas_to_Moldova&oldid=4581652", "confirmed",
                    "Gazprom stopped gas to Moldova 1 Jan 2006; wine import ban from late Mar "
                    "2006 (WP_WINEBAN2006)"),
    ("GEO", 2006): (1, "RFERL2006GEO", "https://www.rferl.org/a/1068188.html", "confirmed",
                    "bans on Georgian wine (Mar) and Borjomi mineral water (4 May 2006)"),
    ("LTU", 2006): (1, "JAMESTOWN2006LTU", "https://jamestown.org/program/"
                    "russian-oil-supplies-to-lithuania-cut-off/", "confirmed (intent disputed)",
                    "Transneft stopped Druzhba deliveries to Mazeikiai 29 Jul 2006; Russia cited "
                    "a pipeline leak, never resumed"),
    ("GEO", 2008): (3, "EUOBSERVER2009GEO", "https://euobserver.com/world/28747", "confirmed",
                    "Russia-Georgia war Aug 2008 (chronology id 32); the EU fact-finding report "
                    "finds Russian action went beyond reasonable limits of self-defence"),
    ("UKR", 2009): (1, "UPI2009UKR", "https://www.upi.com/Business_News/2009/01/01/"
                    "Russia-cuts-Ukraines-natural-gas-supply/29081230815189/", "confirmed",
                    "Gazprom cut Ukraine's gas supply 1 Jan 2009; transit halted 7 Jan"),
    ("BLR", 2010): (1, "MINSK2010BLR", "http://data.minsk.by/belarusnews/062010/391.html",
                    "secondary", "Gazprom cut gas supplies to Belarus (up to 60%) in a debt "
                    "dispute, Jun 2010"),
    ("UKR", 2013): (1, "DW2013UKR", "https://www.dw.com/en/"
                    "trade-dispute-warns-ukraine-of-cozying-up-to-eu/a-17037581", "confirmed",
                    "Russian customs classed all Ukrainian imports as risky 14 Aug 2013, an "
                    "almost complete halt of Ukrainian imports for a week"),
    ("UKR", 2014): (2, "RFERL2014CRIMEA;WP_DONBAS", "https://www.rferl.org/a/"
                    "russia-crimea-ukraine-treaty/25301179.html", "confirmed",
                    "annexation of Crimea 18 Mar 2014 (chronology id 43); war in Donbas from "
                    "Apr 2014 with Russian forces involved (WP_DONBAS)"),
    ("UKR", 2022): (3, "UPI2022UKR", "https://www.upi.com/Top_News/World-News/2022/02/24/"
                    "belgium-nato-russia-invasion-ukraine-troops/6441645713354/", "confirmed",
                    "full-scale invasion 24 Feb 2022 (chronology id 62)"),
}
for _y in range(2015, 2022):
    COERCION[("UKR", _y)] = (
        2, "WP_DONBAS", "https://en.wikipedia.org/wiki/War_in_Donbas", "secondary",
        "war in Donbas ongoing (Apr 2014-Feb 2022) with Russian forces involved; occupation of "
        "Crimea continues")
for _y in (2023, 2024):
    COERCION[("UKR", _y)] = (
        3, "UPI2022UKR", "https://www.upi.com/Top_News/World-News/2022/02/24/"
        "belgium-nato-russia-invasion-ukraine-troops/6441645713354/", "confirmed",
        "full-scale war ongoing (began 24 Feb 2022)")

# ---------------------------------------------------------------------------------------------
# O6: invitations (not in country_static): partner -> (date, url)
INVITATIONS: dict[str, tuple[str, str]] = {
    **{p: ("1997-07-08", "https://www.rferl.org/a/1085809.html") for p in ("CZE", "HUN", "POL")},
    **{p: ("2002-11-21", "https://www.nato.int/docu/update/2002/11-november/e1121c.htm")
       for p in ("BGR", "EST", "LVA", "LTU", "ROU", "SVK", "SVN")},
    **{p: ("2008-04-03", "https://www.nato.int/cps/fr/natohq/official_texts_8443.htm")
       for p in ("ALB", "HRV")},
    "MNE": ("2015-12-02", "https://sofiaglobe.com/2015/12/02/montenegro-invited-to-join-nato/"),
    "MKD": ("2018-07-11", "https://www.b92.net/eng/news/region.php?yyyy=2018&mm=07&dd=12"
            "&nav_id=104612"),
    **{p: ("2022-06-29", "https://tass.com/world/1473381") for p in ("FIN", "SWE")},
}


def build_status() -> pd.DataFrame:
    """O3 by year: a listed year sets S; other years carry the last listed value forward."""
    rows, current, changed = [], (0, "", ""), 0
    for year in YEARS:
        if year in STATUS:
            current, changed = STATUS[year], year
            ids, rule = current[1], current[2]
        else:
            ids, rule = "", f"no change: carried forward from {changed}"
        rows.append((year, current[0], S_LABELS[current[0]], rule, ids, "CHRON"))
    cols = ["year", "value", "label", "rule", "chronology_ids", "source"]
    return pd.DataFrame(rows, columns=cols)


def build_events(chron: pd.DataFrame, weights: pd.DataFrame) -> pd.DataFrame:
    w = dict(zip(weights.code, weights.goldstein, strict=True))
    rows = []
    for r in chron.itertuples():
        included, code, direction, rationale = CODING[r.id]
        rows.append((r.id, r.date, r.event[:90], included, r.cameo_code or "", code,
                     w[code] if code else "", direction, rationale, "GDELT_GOLDSTEIN"))
    cols = ["chronology_id", "date", "event", "included", "chronology_code", "cameo_code",
            "goldstein", "direction", "rationale", "source"]
    return pd.DataFrame(rows, columns=cols)


# A zero cell cites the coding rule itself (NATOSIM_O5_RULE -> OBSERVED.md): no act meeting the
# rule was found; it is a coding decision, not a positive finding.
ZERO_CODE = (0, "NATOSIM_O5_RULE", "", "", "")


def build_coercion() -> pd.DataFrame:
    rows = []
    for p in PARTNERS:
        for y in YEARS:
            level, key, url, ver, note = COERCION.get((p, y), ZERO_CODE)
            rows.append((p, y, level, key, url, ver, note))
    cols = ["partner", "year", "value", "source", "url", "verification", "note"]
    return pd.DataFrame(rows, columns=cols)


def _field(text: str, name: str) -> str:
    for part in str(text).split(" | "):
        if part.startswith(name + ":"):
            return part.split(":", 1)[1].strip()
    return ""


def build_status_events(static: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for r in static[static.iso3.isin(PARTNERS)].itertuples():
        for event, col, key, cite in (("pfp", "pfp_join_date", "pfp", "NATO_PFP"),
                                      ("map", "map_date", "map", "NATO_MAP"),
                                      ("accession", "nato_accession_date", "nato",
                                       "NATO_ACCESSION")):
            date = getattr(r, col)
            if isinstance(date, str) and date:
                rows.append((r.iso3, event, date, cite, _field(r.sources, key).split(" ; ")[0],
                             _field(r.verification, key)))
        if r.iso3 in INVITATIONS:
            date, url = INVITATIONS[r.iso3]
            rows.append((r.iso3, "invitation", date, "NATO_INVITE", url, "confirmed"))
    cols = ["partner", "event", "date", "source", "url", "verification"]
    out = pd.DataFrame(rows, columns=cols)
    order = {"pfp": 0, "map": 1, "invitation": 2, "accession": 3}
    out["_o"] = out.event.map(order)
    return out.sort_values(["partner", "date", "_o"]).drop(columns="_o")


def main(src: Path) -> None:
    chron = pd.read_csv(src / "chronology.csv", dtype={"cameo_code": str}, keep_default_na=False)
    weights = pd.read_csv(src / "cameo_goldstein_weights.csv", dtype={"code": str})
    static = pd.read_csv(src / "country_static.csv", dtype=str, keep_default_na=False)
    pinned = weights[["code", "name", "gdelt"]].rename(columns={"gdelt": "goldstein"})
    pinned = pinned[pinned.goldstein.notna()].assign(source="GDELT_GOLDSTEIN")
    pinned.to_csv(OUT / "cameo_goldstein.csv", index=False)
    build_status().to_csv(OUT / "observed_status.csv", index=False)
    build_events(chron, pinned).to_csv(OUT / "event_coding.csv", index=False)
    build_coercion().to_csv(OUT / "observed_coercion.csv", index=False)
    build_status_events(static).to_csv(OUT / "observed_status_events.csv", index=False)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/shared/data"))
