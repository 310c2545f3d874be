"""Maintainer script: build the observed-record files in ``sim/data`` from the reference data.

Run by hand, never by tests or at run time::

    .venv/bin/python scripts/build_observed.py [/work/shared/data]

It reads the compiled reference folder (``country_static.csv``, ``chronology.csv``,
``cameo_goldstein_weights.csv``) and writes the files below. O1 and O2 are not written here:
``sim/data/observed.py`` derives them from ``milex.csv`` and ``countries.csv``.

- ``observed_status.csv``  O3 (coded here by the rule in OBSERVED.md, from the chronology);
- ``event_coding.csv``     O4 event codes: the ``CODING`` table below codes every chronology row
  once; the ``ADDED`` table adds acts that the inclusion rule requires but the chronology lacks,
  each with its own source (ids 101 and up, never rows of ``chronology.csv``);
- ``cameo_goldstein.csv``  the pinned CAMEO -> Goldstein table (GDELT column);
- ``observed_coercion.csv`` O5 (the ``COERCION`` table below; zeros written explicitly);
- ``observed_status_events.csv`` O6 (PfP, MAP, invitation, accession dates).

Every judgement is in a table in this file, so a diff of this file is a diff of the coding.
The changelog of the coding (what changed, and why) is in ``sim/data/OBSERVED.md``. The UN
General Assembly file (O7, O8) is built by ``scripts/build_unga.py``.
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
# Issue 11: no act may be both a model input and a scored target. A chronology row that a
# scenario milestone with role `input` applies (the milestone's chronology_id, see
# scenarios/post-cold-war.yaml) is kept out of the scored index; its code stays for reference
# and the link is written to the `input_milestone` column. tests/test_record_overlap.py
# recomputes the overlap from the scenario and fails if a scored event is an input.
INPUT_LINKS: dict[int, str] = {
    2: "offer-nacc", 4: "offer-pfp", 11: "offer-pjc", 21: "abm-withdrawal", 23: "offer-nrc",
    27: "accession-2004", 30: "kosovo-recognition", 41: "libya", 47: "wales-rap",
    49: "warsaw-efp",
}


def _input(chronology_id: int) -> str:
    return (f"scenario input '{INPUT_LINKS[chronology_id]}' applies this dated act, so it is "
            "kept out of the scored index (no event both an input and a target)")


R_DOUBLE = "double count: "
CODING: dict[int, tuple[int, str, str, str]] = {
    1: (0, "030", "NATO->USSR", "1990, before the observed period 1991-2024; counterpart USSR"),
    2: (0, "040", "NATO<->RUS", _input(2)),
    3: (0, "", "", "not a dyadic act (context: end of the USSR)"),
    4: (0, "030", "NATO->RUS", _input(4)),
    5: (1, "057", "RUS<->NATO", "as coded"),
    6: (1, "120", "RUS->NATO", "as coded"),
    7: (1, "057", "RUS<->NATO", "as coded"),
    8: (0, "195", "NATO->Bosnian Serbs", R_THIRD),
    9: (1, "062", "RUS<->NATO", "as coded"),
    10: (0, "062", "RUS<->NATO", R_DOUBLE + "the Russian brigade's service in the NATO-led "
         "Bosnia force is one act, coded at its start (event 9, IFOR); the IFOR->SFOR handover "
         "continues it"),
    11: (0, "057", "NATO<->RUS", _input(11)),
    12: (0, "036", "NATO->invitees", R_ENL),
    13: (1, "040", "NATO<->RUS", "as coded"),
    14: (0, "057", "NATO<->accessors", R_ENL),
    15: (0, "195", "NATO->FRY", R_THIRD + "; Russia's response is event 16"),
    16: (1, "161", "RUS->NATO", "as coded"),
    17: (1, "150", "RUS->NATO", "as coded"),
    18: (1, "057", "RUS<->NATO states", "NATO states acting together as treaty parties"),
    19: (1, "050", "NATO<->RUS", "as coded"),
    20: (1, "064", "RUS->US", "as coded (US named)"),
    21: (0, "160", "US->RUS", _input(21) + "; code if scored: 160, the "
         "nearest code noted in the chronology"),
    22: (1, "057", "US<->RUS", "as coded (US named)"),
    23: (0, "057", "NATO<->RUS", _input(23)),
    24: (1, "160", "RUS->US", "no code in the chronology; nearest code noted there: 160"),
    25: (0, "036", "NATO->invitees", R_ENL),
    26: (1, "111", "RUS->US", "as coded (US named; the subject, Iraq, is not a NATO operation)"),
    27: (0, "111", "RUS->NATO", _input(27) + "; code if scored: the Russian "
         "MFA's concern, first code noted in the chronology (111)"),
    28: (1, "111", "RUS->US/NATO", "as coded"),
    29: (1, "160", "RUS->NATO states", "no code in the chronology; nearest code noted: 160"),
    30: (0, "111", "RUS->US/West", _input(30)),
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
    40: (0, "057", "US<->RUS", R_DOUBLE + "New START is one agreement, coded once at its "
         "signature (event 38); entry into force is not a further act between the sides"),
    41: (0, "112", "RUS->NATO", _input(41) + "; code if scored: Russia accuses NATO of "
         "exceeding the UN mandate (112)"),
    42: (1, "163", "US/EU->RUS", "as coded (US named)"),
    43: (0, "192", "RUS->UKR", R_THIRD + " (scored in O5)"),
    44: (0, "161", "G7->RUS", "actor is the G7 as a forum; neither NATO nor the US is named"),
    45: (1, "160", "NATO->RUS", "as coded"),
    46: (0, "163", "EU->RUS", "actor is the EU, not NATO or the US"),
    47: (0, "154", "NATO->RUS", _input(47)),
    48: (1, "040", "NATO<->RUS", "as coded"),
    49: (0, "154", "NATO->RUS", _input(49)),
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
    69: (1, "160", "NATO->RUS", R_TREATY + "; recoded: Russia's exit is coded once, at the "
         "denunciation (event 68); the row's other act, the Allies' suspension of the treaty in "
         "response, is the one coded here"),
    70: (0, "057", "NATO<->SWE", R_ENL),
    71: (0, "032", "NATO->UKR", R_THIRD),
    72: (1, "138", "RUS->NATO", "as coded"),
}

# Acts that the inclusion rule requires and the chronology lacks (issue 11), each coded once
# with its own source. The ids start at 101 so that they can never be read as chronology rows.
# Each cited page was found and read through the project's search of stored news pages; the
# URL is the report, and the citation key resolves in references.yaml.
# id -> (date, event, code, direction, rationale, citation key, url, verification)
R_EXPEL = "diplomatic expulsions coded 161, as the chronology codes them (events 51, 57)"
ADDED: dict[int, tuple[str, str, str, str, str, str, str, str]] = {
    101: ("1993-01-03", "Bush and Yeltsin sign the START II treaty in Moscow", "057",
          "US<->RUS", "US-Russia treaty signed, coded like SORT and New START (22, 38)",
          "UPI1993START2", "https://www.upi.com/Archives/1993/01/03/"
          "Bush-Yeltsin-sign-START-II-treaty/8819726037200/", "confirmed"),
    102: ("1998-12-17", "Russia recalls its ambassador from Washington (and London) in protest "
          "at the US-UK strikes on Iraq (Operation Desert Fox)", "161", "RUS->US",
          "the strikes on Iraq are third-party; the recall is an act of Russia toward the US "
          "(161 Reduce or break diplomatic relations); ambassador back on 23 Dec",
          "BALTSUN1998", "https://www.baltimoresun.com/news/"
          "bs-xpm-1998-12-18-1998352143-story.html",
          "confirmed (17 Dec per the Baltimore Sun of 18 Dec and Rubin's statement in "
          "Washington; Moscow-datelined reports of 18 Dec say 'today')"),
    103: ("2012-12-14", "Obama signs the law repealing Jackson-Vanik for Russia (permanent "
          "normal trade relations)", "085", "US->RUS",
          "one law, two acts toward Russia: the trade normalisation (085 Ease economic "
          "sanctions) is coded here, the Magnitsky sanctions in the same law are 104",
          "RFERL2012MAGNITSKY", "https://www.rferl.org/a/obama-signs-magnitsky-bill/"
          "24798980.html", "confirmed"),
    104: ("2012-12-14", "Obama signs the Sergei Magnitsky Rule of Law Accountability Act (visa "
          "bans and asset freezes on Russian officials)", "163", "US->RUS",
          "targeted sanctions, coded like event 42 (163)", "RFERL2012MAGNITSKY",
          "https://www.rferl.org/a/obama-signs-magnitsky-bill/24798980.html", "confirmed"),
    105: ("2012-12-28", "Putin signs the Dima Yakovlev law (272-FZ): sanctions on US citizens "
          "and a ban on adoptions by Americans, in answer to the Magnitsky Act", "163",
          "RUS->US", "sanctions naming the US, coded like 104 (163)", "JURIST2013YAKOVLEV",
          "https://jurist.org/paperchase/2013/01/"
          "russia-delays-enforcement-of-us-adoption-ban-law.php",
          "confirmed (signature date 28 Dec also in Sputnik France, 28 Dec 2012)"),
    106: ("2013-08-07", "White House calls off the planned September 2013 Obama-Putin summit "
          "in Moscow", "125", "US->RUS",
          "nearest code: 125 Reject proposal to meet, discuss, or negotiate (the summit was "
          "'postponed' with no date)", "EUOBSERVER2013SUMMIT",
          "https://euobserver.com/eu-political/ar31a4f85e", "confirmed"),
    107: ("2016-10-03", "Putin decree suspends the US-Russia plutonium disposition agreement, "
          "citing 'unfriendly actions' of the US", "160", "RUS->US",
          "treaty suspension coded 160 'Reduce relations', as the chronology's treaty "
          "withdrawals and suspensions (24, 29, 52, 66)",
          "REUTERS2016PMDA", "http://www.reuters.com/article/"
          "us-russia-usa-nuclear-idUSKCN1230YN", "confirmed"),
    108: ("2016-12-29", "US expels 35 Russian diplomats and closes two Russian compounds over "
          "election interference (sanctions on GRU and FSB the same day)", "161", "US->RUS",
          R_EXPEL + "; the same-day sanctions are part of one announced package and are not "
          "coded again", "DAILYSTAR2016EXPEL", "http://www.dailystar.com.lb/News/World/2016/"
          "Dec-30/387243-obama-retaliates-against-russia-for-election-hacking.ashx",
          "confirmed"),
    109: ("2017-07-28", "Russia orders the US to cut its diplomatic and technical staff in Russia "
          "to 455 (755 fewer, Putin 30 Jul) and seizes two US properties, in answer to the "
          "sanctions bill passed by Congress", "161", "RUS->US", R_EXPEL, "PIX11_2017STAFF",
          "http://pix11.com/2017/07/30/putin-says-u-s-embassy-in-moscow-will-have-to-cut-staff-"
          "by-755-under-new-russia-sanctions/",
          "confirmed (Foreign Ministry demand on Friday 28 Jul, figure announced by Putin "
          "30 Jul)"),
    110: ("2017-08-02", "Trump signs the Countering America's Adversaries Through Sanctions Act "
          "(CAATSA, Public Law 115-44)", "163", "US->RUS",
          "sanctions law naming Russia, coded like event 42 (163)", "VOA2017CAATSA",
          "https://www.globalsecurity.org/wmd/library/news/russia/2017/russia-170802-voa01.htm",
          "confirmed"),
    111: ("2018-03-26", "US expels 60 Russian diplomats and orders the Russian consulate in "
          "Seattle closed (Skripal poisoning)", "161", "US->RUS",
          R_EXPEL + "; a US act, separate from NATO's own expulsions the next day (51)",
          "OTB2018EXPEL", "https://www.outsidethebeltway.com/"
          "u-s-expels-60-russian-diplomats-closes-seattle-consulate-in-retaliation-for-"
          "skripal-poisoning/", "confirmed (AP report of 26 Mar quoted)"),
    112: ("2018-03-29", "Russia expels 60 US diplomats and withdraws consent for the US "
          "consulate in St Petersburg", "161", "RUS->US", R_EXPEL, "ARMENPRESS2018EXPEL",
          "https://armenpress.am/eng/news/928166/", "confirmed (Lavrov, 29 Mar)"),
}

# The actors of each coded act (for the input/target overlap test), read from the direction.
# Tokens name the NATO side or Russia as in scenarios (NATO, RUS, USA, EU); anything else is a
# third party and is written as it stands.
ACTOR_TOKENS = {
    "US": ("USA",), "USA": ("USA",), "NATO": ("NATO",), "RUS": ("RUS",), "EU": ("EU",),
    "NATO states": ("NATO",), "West": ("USA", "EU"), "treaty parties": ("NATO", "USA"),
    "CFE parties": ("NATO", "USA"), "USSR": ("USSR",), "G7": ("G7",),
}


def actors_of(direction: str) -> str:
    """The coded act's actors, ';'-separated and sorted: 'US/EU->RUS' -> 'EU;RUS;USA'."""
    found: set[str] = set()
    for side in direction.replace("<->", "->").split("->"):
        for token in side.split("/"):
            token = token.strip()
            if token:
                found.update(ACTOR_TOKENS.get(token, (token,)))
    return ";".join(sorted(found))

# ---------------------------------------------------------------------------------------------
# O5: Russian coercion, (partner, year) -> (level, citation key, url, verification, note).
# Rule (OBSERVED.md): economic measures are coded in the year they are imposed; force is coded
# in every year with hostilities involving Russian forces against the partner's government.
COERCION: dict[tuple[str, int], tuple[int, str, str, str, str]] = {
    ("MDA", 1992): (2, "WP_TRANSNISTRIA", "https://en.wikipedia.org/wiki/Transnistrian_War",
                    "secondary", "Transnistria war, main phase 2 Mar-21 Jul 1992; elements of "
                    "the Russian 14th Army supported the PMR forces"),
    # Issue 11: acts that meet the rule and had been left at 0 (see OBSERVED.md, changelog).
    ("EST", 1993): (1, "SEATTLETIMES1993EST", "https://archive.seattletimes.com/archive/"
                    "19930626/1708322/moscow-cuts-estonias-supply-of-gas-over-treatment-of-"
                    "russians", "confirmed",
                    "Russia halted all gas deliveries to Estonia 25 Jun 1993, a day after "
                    "Yeltsin's threat over the Law on Aliens; Gazprom cited unpaid bills (the "
                    "rule codes a cut whatever the pretext); supplies resumed about 29 Jun"),
    ("LVA", 1993): (1, "MOSCOWTIMES1993GAS", "http://oldtmt.vedomosti.ru/sitemap/free/1993/7/"
                    "article/russia-reconnects-estonias-gas-supply/217987.html",
                    "confirmed (one press report; debt pretext)",
                    "Gazprom also cut gas supplies to Latvia and Lithuania over the weekend of "
                    "26-27 Jun 1993, citing gas debts; not back to normal levels by 30 Jun"),
    ("LTU", 1993): (1, "MOSCOWTIMES1993GAS", "http://oldtmt.vedomosti.ru/sitemap/free/1993/7/"
                    "article/russia-reconnects-estonias-gas-supply/217987.html",
                    "confirmed (one press report; debt pretext)",
                    "Gazprom suspended gas supplies to Lithuania on Sunday 27 Jun 1993 (Baltfax), "
                    "citing gas debts; not back to normal levels by 30 Jun"),
    ("LVA", 2003): (1, "BALTICTIMES2003LVA", "https://www.baltictimes.com/news/articles/7500/",
                    "confirmed (onset: deliveries tapered off in Dec 2002; none scheduled for "
                    "Q1 2003)", "Transneft stopped crude deliveries by pipeline to the port of "
                    "Ventspils from the start of 2003 (Latvian MFA note of 20 Feb 2003). "
                    "Judgement: a halt of pipeline deliveries into the partner is a halt of "
                    "energy supplies to it, though the oil was for export through Latvia"),
    ("BLR", 2007): (1, "BBC2007BLR", "http://news.bbc.co.uk/2/hi/business/6248251.stm",
                    "confirmed", "Transneft stopped pumping oil to and through Belarus "
                    "(Druzhba) on Monday 8 Jan 2007, after Russia's new export duty on oil for "
                    "Belarus and Minsk's transit duty; flows resumed 11 Jan"),
    ("MDA", 2013): (1, "EUOBSERVER2013MDA", "https://euobserver.com/eu-and-the-world/"
                    "arb3367848", "confirmed", "Rospotrebnadzor banned imports of Moldovan "
                    "wines and spirits from 11 Sep 2013 (announced 10 Sep), citing quality; "
                    "a new ban (the 2006 ban had been lifted, per Delfi of 10 Sep 2013)"),
    # Further bilateral measures found while applying the rule to every partner (issue 11).
    ("EST", 2007): (1, "REUTERS2007EST", "https://www.reuters.com/article/"
                    "us-russia-estonia-energy/russia-halts-estonia-fuel-transit-amid-statue-row-"
                    "idUSL0264696120070502", "confirmed (intent disputed: Russian Railways cited "
                    "maintenance)", "Russia halted rail deliveries of oil products to Estonia "
                    "2 May 2007 during the Bronze Soldier dispute; cut by a third or more for "
                    "about two weeks. Same judgement as LVA 2003: deliveries into the partner "
                    "count although mostly re-exported"),
    ("BLR", 2009): (1, "TIME2009BLR", "http://content.time.com/time/world/article/"
                    "0,8599,1904749,00.html", "confirmed", "Rospotrebnadzor banned imports of "
                    "Belarusian dairy products from 6 Jun 2009 ('milk war'), citing sanitary "
                    "rules; lifted 17 Jun"),
    ("LTU", 2013): (1, "RFERL2013LTU", "https://rferl.org/amp/"
                    "russia-lithuania-trade-dairy-ban/25128943.html", "confirmed",
                    "Rospotrebnadzor suspended all dairy imports from Lithuania from 7 Oct 2013 "
                    "(quality pretext), weeks before the Vilnius Eastern Partnership summit"),
    ("MDA", 2014): (1, "RFERL2014MDA", "http://rferl.org/content/"
                    "moldova-russia-fruit-import-ban/25461654.html", "confirmed",
                    "new bans after the EU association agreement: processed meat from 2 Jul and "
                    "fresh fruit from 21 Jul 2014 (Rosselkhoznadzor)"),
    ("POL", 2014): (1, "KYIVPOST2014POL", "https://www.kyivpost.com/article/content/russia/"
                    "russia-banning-supplies-of-some-vegetables-fruit-from-poland-from-aug-1-"
                    "358626.html", "confirmed", "Rosselkhoznadzor banned most fruit and "
                    "vegetable imports from Poland from 1 Aug 2014, a bilateral ban before "
                    "the general embargo of 7 Aug (which is not coded per partner)"),
    ("EST", 2015): (1, "REUTERS2015FISH", "https://www.reuters.com/article/"
                    "us-baltics-russia-fish/russia-bans-imports-of-fish-from-latvia-and-estonia-"
                    "idUSKBN0OK23E20150604", "confirmed", "Russia banned imports of canned "
                    "fish from Estonia and Latvia from 4 Jun 2015 (health pretext)"),
    ("LVA", 2015): (1, "REUTERS2015FISH", "https://www.reuters.com/article/"
                    "us-baltics-russia-fish/russia-bans-imports-of-fish-from-latvia-and-estonia-"
                    "idUSKBN0OK23E20150604", "confirmed", "Russia banned imports of canned "
                    "fish from Latvia and Estonia from 4 Jun 2015 (health pretext)"),
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
    """One row per coded act: every chronology row (CODING) and every added act (ADDED)."""
    w = dict(zip(weights.code, weights.goldstein, strict=True))
    urls = dict(zip(chron.id, chron.sources, strict=True))
    rows = []
    for r in chron.itertuples():
        included, code, direction, rationale = CODING[r.id]
        rows.append((r.id, "chronology", r.date, r.event[:90], included, r.cameo_code or "",
                     code, w[code] if code else "", direction, actors_of(direction),
                     INPUT_LINKS.get(r.id, ""), rationale, "CHRON;GDELT_GOLDSTEIN",
                     urls[r.id].split(" ; ")[0], r.verification))
    for eid, (date, event, code, direction, rationale, key, url, ver) in ADDED.items():
        rows.append((eid, "added", date, event, 1, "", code, w[code], direction,
                     actors_of(direction), "", rationale, f"{key};GDELT_GOLDSTEIN", url, ver))
    cols = ["chronology_id", "origin", "date", "event", "included", "chronology_code",
            "cameo_code", "goldstein", "direction", "actors", "input_milestone", "rationale",
            "source", "url", "verification"]
    return pd.DataFrame(rows, columns=cols).sort_values(["date", "chronology_id"])


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
