"""Program labels to keys: every label seen in any capture, and labels not yet used."""

from __future__ import annotations

import gzip
import json

import colorspacious
import pytest

from ee_trends.programs import (
    PROGRAM_KEYS,
    UnknownProgramWarning,
    classify,
    program_keys,
    split_label,
)

SEEN = {
    "No Program Specified": "general",
    "General": "general",
    "Canadian Experience Class": "cec",
    "Provincial Nominee Program": "pnp",
    "Federal Skilled Worker": "fsw",
    "Federal Skilled Trades": "fst",
    "French language proficiency (2023-1)": "french",
    "French language proficiency (2024-1)": "french",
    "French language proficiency (Version 1)": "french",
    "French-Language proficiency 2026-Version 2": "french",
    "Healthcare occupations (2023-1)": "healthcare",
    "Healthcare occupations (Version 1)": "healthcare",
    "Healthcare and social services occupations (Version 2)": "healthcare",
    "Healthcare and Social Services Occupations, 2026-Version 3": "healthcare",
    "STEM occupations (2023-1)": "stem",
    "STEM occupations (Version 1)": "stem",
    "Trade occupations (2023-1)": "trades",
    "Trade occupations (Version 1)": "trades",
    "Trade occupations (Version 2)": "trades",
    "Trades Occupations, 2026-Version 3": "trades",
    "Transport occupations (2023-1)": "transport",
    "Transport occupations (2024-1)": "transport",
    "Transport occupations (Version 1)": "transport",
    "Transport Occupations, 2026-Version 2": "transport",
    "Agriculture and agri-food occupations (2023-1)": "agriculture",
    "Agriculture and agri-food occupations (Version 1)": "agriculture",
    "Education occupations (Version 1)": "education",
    "Physicians with Canadian Work Experience, 2026-Version 1": "physicians",
    "Senior managers with Canadian Work Experience, 2026-Version 1": "senior_managers",
    "Skilled Military Recruits, 2026-Version 1": "military",
}


@pytest.mark.parametrize(("label", "key"), SEEN.items())
def test_every_label_seen_maps_to_its_key(label, key):
    assert classify(label) == key


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("Healthcare and social services occupations (Version 3)", "healthcare"),
        ("STEM Occupations, 2027-Version 1", "stem"),
        ("French-Language Proficiency 2028-Version 4", "french"),
        ("Transport occupations (2025-2)", "transport"),
        ("  Canadian  Experience Class ", "cec"),
    ],
)
def test_new_version_or_year_of_a_known_category_keeps_its_key(label, key):
    assert classify(label) == key


def test_a_new_category_becomes_other_with_a_warning_naming_it():
    with pytest.warns(UnknownProgramWarning, match="Space Engineers, 2027-Version 1.*rounds 500"):
        keys = program_keys(["Space Engineers, 2027-Version 1", "General"], ["500", "501"])
    assert keys == ["other", "general"]


def test_split_label_versions():
    assert split_label("Healthcare occupations (2023-1)") == ("Healthcare occupations", "2023-1")
    assert split_label("STEM occupations (Version 1)") == ("STEM occupations", "Version 1")
    assert split_label("French-Language proficiency 2026-Version 2") == (
        "French-Language proficiency",
        "2026-Version 2",
    )
    assert split_label("Canadian Experience Class") == ("Canadian Experience Class", None)


def test_keys_are_the_design_keys():
    assert set(PROGRAM_KEYS) == {
        "general",
        "cec",
        "pnp",
        "fsw",
        "fst",
        "french",
        "healthcare",
        "stem",
        "trades",
        "transport",
        "agriculture",
        "education",
        "physicians",
        "senior_managers",
        "military",
        "other",
    }


@pytest.mark.shared_data
def test_no_label_in_any_capture_is_unknown(shared_data):
    labels = set()
    files = [shared_data / "ee_rounds_123_en.json", *sorted((shared_data / "vintages").glob("*"))]
    for path in files:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt") as handle:
            labels |= {r["drawName"] for r in json.load(handle)["rounds"]}
    assert len(labels) >= 22
    assert {label: classify(label) for label in labels if classify(label) is None} == {}
    assert labels <= set(SEEN), f"labels not in the table of this test: {labels - set(SEEN)}"


def test_one_table_gives_every_key_a_label_and_a_colour():
    from ee_trends.programs import MAIN_COLORED, PROGRAM_COLORS, PROGRAM_LABELS, PROGRAMS

    assert set(PROGRAM_LABELS) == set(PROGRAM_KEYS) == set(PROGRAM_COLORS)
    assert [p.key for p in PROGRAMS] + ["other"] == list(PROGRAM_KEYS)
    assert 1 <= len(MAIN_COLORED) <= 8
    assert len({PROGRAM_COLORS[k] for k in MAIN_COLORED}) == len(MAIN_COLORED)


CVD_MIN_DELTA_E = 12
"""The least CAM02-UCS difference between two main-program colours, as seen with
full deuteranopia or protanopia. 1-2 units is the just-noticeable difference for
large side-by-side patches; the dots and 2-pixel lines of a chart need several
times that to be told apart at a glance, and the pair the old palette merged
(CEC against PNP under protanopia) was 4.6. Okabe and Ito's palette keeps every
pair at 14 or more."""


@pytest.mark.parametrize("deficiency", ["deuteranomaly", "protanomaly"])
def test_main_program_colours_stay_apart_with_colour_blindness(deficiency):
    import itertools

    import matplotlib.colors
    import numpy as np

    from ee_trends.programs import MAIN_COLORED, PROGRAM_COLORS

    seen = {
        key: np.clip(
            colorspacious.cspace_convert(
                matplotlib.colors.to_rgb(PROGRAM_COLORS[key]),
                {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100},
                "sRGB1",
            ),
            0,
            1,
        )
        for key in MAIN_COLORED
    }
    closest = min(
        (colorspacious.deltaE(seen[a], seen[b], input_space="sRGB1"), a, b)
        for a, b in itertools.combinations(MAIN_COLORED, 2)
    )
    assert closest[0] >= CVD_MIN_DELTA_E, closest


def test_the_old_palette_fails_the_colour_blindness_check():
    """The check can fail: CEC and PNP of the old Tableau palette merge under protanopia."""
    import matplotlib.colors

    cec, pnp = (
        colorspacious.cspace_convert(
            matplotlib.colors.to_rgb(c),
            {"name": "sRGB1+CVD", "cvd_type": "protanomaly", "severity": 100},
            "sRGB1",
        )
        for c in ("#ff7f0e", "#2ca02c")
    )
    assert colorspacious.deltaE(cec, pnp, input_space="sRGB1") < CVD_MIN_DELTA_E
