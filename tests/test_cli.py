"""The ``ee-trends`` command as a user meets it: ``--help`` everywhere, one-line failures."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import make_feed, make_round
from ee_trends.cli import ERROR, INTERRUPTED, build_parser, main

EXE = Path(sys.executable).with_name("ee-trends")
COMMANDS = sorted(build_parser()._subparsers._group_actions[0].choices)


def run(*args: str, **options) -> subprocess.CompletedProcess:
    """The console script in a process of its own (for what only a process shows)."""
    return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=120, **options)


def run_main(args: list[str], capsys) -> tuple[int, str, str]:
    """``ee_trends.cli.main(args)`` in this process: exit status, stdout, stderr."""
    try:
        status = main(args)
    except SystemExit as done:  # argparse: --help, refused arguments
        status = done.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)], ids=["ee-trends", *COMMANDS])
def test_help(command, capsys):
    status, out, err = run_main([*command, "--help"], capsys)
    assert status == 0, err
    assert out.startswith(f"usage: ee-trends {' '.join(command)}".rstrip())


def test_the_console_script_runs_main(places, tmp_path):
    """The installed ``ee-trends`` is ``main``: help, and a refusal's exit status and line."""
    assert run("--help").stdout.startswith("usage: ee-trends")
    refused = run("context", "9999", "--source", places["FEED"], env=_env(tmp_path))
    assert refused.returncode == ERROR
    assert refused.stderr.startswith("ee-trends: error: no round '9999': the rounds are #1")


def test_python_m_ee_trends_is_the_command():
    done = subprocess.run(
        [sys.executable, "-m", "ee_trends", "--help"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and done.stdout.startswith("usage: ee-trends")


def test_core_commands_exist():
    assert {"fetch", "build", "info", "report", "revisions", "context", "predict"} <= set(COMMANDS)


@pytest.fixture(scope="module")
def places(tmp_path_factory) -> dict[str, str]:
    """A small valid feed, a file that is not a feed, and a plain file to misuse as a folder."""
    folder = tmp_path_factory.mktemp("places")
    feed = folder / "feed.json"
    feed.write_text(json.dumps(make_feed(make_round("2"), make_round("1", drawDate="2024-06-01"))))
    garbage = folder / "garbage.json"
    garbage.write_text("<html>not a feed</html>")
    return {"FEED": str(feed), "GARBAGE": str(garbage), "FILE": str(garbage), "DIR": str(folder)}


BAD = {
    "ee-trends": [
        [],
        ["bogus"],
        ["--data-dir", "", "info"],
        ["info", "--data-dir", "{FILE}"],
        ["--data-dir", "{FILE}/sub", "info", "--source", "{FEED}"],
    ],
    "fetch": [
        ["fetch", "--timeout", "inf"],
        ["fetch", "--timeout", "0"],
        ["fetch", "--retries", "-1"],
        ["fetch", "--timeout", "1e300"],
        ["fetch", "--from", "{DIR}/missing.json"],
        ["fetch", "--from", "{GARBAGE}"],
        ["fetch", "--source", "{FEED}"],
    ],
    "info": [["info", "--source", "{DIR}/missing.json"], ["info", "--source", "{GARBAGE}"]],
    "build": [["build", "--source", "{GARBAGE}"], ["build", "--nope"]],
    "report": [
        ["report", "--source", "{FEED}", "--out", "{FILE}"],
        ["report", "--source", "{FEED}", "--out", "{FILE}/sub"],
        ["report", "--source", "{FEED}", "--docs", "{FILE}"],
        ["report", "--source", "{FEED}", "--out", ""],
    ],
    "export": [
        ["export", "--source", "{FEED}"],
        ["export", "--source", "{FEED}", "--out", "{FILE}"],
        ["export", "--source", "{FEED}", "--out", "{DIR}"],
        ["export", "--source", "{FEED}", "--out", "{DIR}/x", "--format", "xlsx"],
    ],
    "revisions": [["revisions", "--source", "{DIR}/missing"], ["revisions", "--list", "x"]],
    "context": [
        ["context", "--source", "{FEED}", "--since", "garbage"],
        ["context", "--source", "{FEED}", "--since", "1600-01-01"],
        ["context", "--source", "{FEED}", "--recent", "0"],
        ["context", "--source", "{FEED}", "--recent", "-3"],
        ["context", "9999", "--source", "{FEED}"],
    ],
    "predict": [
        ["predict", "--source", "{FEED}", "--program", "nope", "--invitations", "3"],
        ["predict", "--source", "{FEED}", "--program", "cec", "--invitations", "0"],
        ["predict", "--source", "{FEED}", "--program", "cec", "--invitations", "9" * 30 + "x"],
        ["predict", "--source", "{FEED}", "--program", "cec", "--invitations", "9" * 30],
        ["predict", "--source", "{FEED}", "--program", "cec", "--invitations", "3", "--on", "x"],
        [
            "predict",
            "--source",
            "{FEED}",
            "--program",
            "cec",
            "--invitations",
            "3",
            "--on",
            "2300-01-01",
        ],
        ["predict", "--source", "{FEED}", "--program", "cec", "--invitations", "3", "--score", "x"],
    ],
    "chances": [
        ["chances", "--source", "{FEED}", "1300", "--program", "cec"],
        ["chances", "--source", "{FEED}", "505", "--program", "nope"],
        ["chances", "--source", "{FEED}", "505"],
        ["chances", "--source", "{FEED}", "505", "--program", "cec", "--weeks", "4,x"],
        ["chances", "--source", "{FEED}", "505", "--program", "cec", "--weeks", "27"],
        ["chances", "--source", "{FEED}", "505", "--program", "cec", "--on", "2030-01-01"],
        ["chances", "--source", "{FEED}", "505", "--program", "cec", "--on", "2024-06-20"],
    ],
    "next": [
        ["next", "--source", "{FEED}"],
        ["next", "--source", "{FEED}", "--program", "nope"],
        ["next", "--source", "{FEED}", "--program", "general", "--weeks", "0"],
        ["next", "--source", "{FEED}", "--program", "general", "--on", "2024-06-20"],
    ],
    "standing": [
        ["standing", "--source", "{FEED}", "abc"],
        ["standing", "--source", "{FEED}", "1201"],
        ["standing", "--source", "{FEED}", "-5"],
        ["standing", "--source", "{FEED}", "480.5"],
        ["standing", "--source", "{FEED}"],
    ],
}
"""Bad arguments for every subcommand: each must fail in one line, with exit status 2."""

CASES = [(name, args) for name, cases in BAD.items() for args in cases]


def test_every_command_has_bad_arguments_tried():
    assert set(BAD) == {"ee-trends", *COMMANDS}


@pytest.mark.parametrize(("name", "args"), CASES, ids=[" ".join(a) or n for n, a in CASES])
def test_bad_arguments_fail_in_one_line(name, args, places, capsys):
    status, out, err = run_main([arg.format(**places) for arg in args], capsys)
    assert "Traceback" not in err + out
    assert status == ERROR, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "error:" in lines[0], err


def test_options_go_before_or_after_the_command(places, tmp_path, capsys):
    for args in (
        ["--data-dir", str(tmp_path), "--source", places["FEED"], "info"],
        ["info", "--data-dir", str(tmp_path), "--source", places["FEED"]],
        [
            "--data-dir",
            "elsewhere",
            "info",
            "--data-dir",
            str(tmp_path),
            "--source",
            places["FEED"],
        ],
    ):
        assert main(args) == 0
        out = capsys.readouterr().out
        assert f"data dir:  {tmp_path}\n" in out and "rounds:    2 (1 to 2)" in out


def test_a_program_offered_by_the_error_is_accepted(places, capsys):
    """The keys an unknown program's error offers are exactly those predict accepts."""
    predict = ["predict", "--source", places["FEED"], "--invitations", "5", "--on", "2024-07-01"]
    assert main([*predict, "--program", "other"]) == ERROR
    offered = capsys.readouterr().err.strip().rsplit("give one of ", 1)[1].split(", ")
    assert offered == ["general"]
    for key in offered:
        assert main([*predict, "--program", f" {key.upper()}"]) == ERROR
        err = capsys.readouterr().err  # accepted, then refused for its 2 rounds, with the count
        assert "general has 2 rounds since its last pause" in err and "unknown" not in err


def test_ctrl_c_is_one_line_and_exit_130(tmp_path):
    """Interrupted while waiting on a server (on 127.0.0.1) that never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(60)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/feed.json"
        with subprocess.Popen(
            [EXE, "fetch", "--from", url, "--timeout", "600"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(tmp_path),
        ) as process:
            connection, _ = listener.accept()  # the command is now waiting for the answer
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=60)
            connection.close()
    assert process.returncode == INTERRUPTED
    assert "Traceback" not in out + err
    assert err.strip() == "ee-trends: interrupted"


def _env(tmp_path: Path) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("EE_TRENDS_")}
    return {**env, "EE_TRENDS_DATA_DIR": str(tmp_path / "data")}


def test_programs_are_exported_with_their_names():
    """``help(load_draws)`` says "see PROGRAMS": ``ee_trends.PROGRAMS`` is the program table."""
    import ee_trends
    from ee_trends.programs import OTHER, PROGRAM_KEYS

    assert (*(p.key for p in ee_trends.PROGRAMS), OTHER) == PROGRAM_KEYS
    cec = next(p for p in ee_trends.PROGRAMS if p.key == "cec")
    assert cec.label == "Canadian Experience Class"
    assert "PROGRAMS" in dir(ee_trends)


@pytest.fixture(scope="module")
def every_two_weeks(tmp_path_factory) -> str:
    """A feed of 30 CEC rounds exactly every 14 days to 2024-06-19, each with a cutoff of 500."""
    import pandas as pd

    dates = pd.date_range(end="2024-06-19", periods=30, freq="14D")
    rounds = [
        make_round(
            str(100 + i),
            drawDate=f"{day:%Y-%m-%d}",
            drawName="Canadian Experience Class",
            drawSize="3,000",
            drawCRS="500",
        )
        for i, day in enumerate(dates)
    ]
    feed = tmp_path_factory.mktemp("regular") / "feed.json"
    feed.write_text(json.dumps(make_feed(*rounds[::-1])))
    return str(feed)


def test_chances_of_a_score_above_and_below_a_fixed_cutoff(every_two_weeks, capsys, tmp_path):
    common = ["--source", every_two_weeks, "--data-dir", str(tmp_path), "--on", "2024-06-20"]
    assert main(["chances", "510", "--program", "CEC", "--weeks", "8,4", "--json", *common]) == 0
    above = json.loads(capsys.readouterr().out)
    assert [w["weeks"] for w in above["windows"]] == [4, 8]
    assert min(w["probability"] for w in above["windows"]) > 0.8
    assert above["programs"] == ["cec"] and above["data_age"]["days"] == 1
    assert main(["chances", "490", "--program", "cec", "--json", *common]) == 0
    below = json.loads(capsys.readouterr().out)
    assert max(w["probability"] for w in below["windows"]) < 0.2
    assert main(["chances", "510", "--program", "cec", *common]) == 0
    text = capsys.readouterr().out
    assert text.startswith("A score of 510 eligible for Canadian Experience Class: invited within")
    assert "Data: newest round #129 of 2024-06-19, 1 day before 2024-06-20" in text


def test_next_round_of_a_program_every_two_weeks(every_two_weeks, capsys, tmp_path):
    common = ["--source", every_two_weeks, "--data-dir", str(tmp_path), "--on", "2024-06-20"]
    assert main(["next", "--program", "cec", "--json", *common]) == 0
    record = json.loads(capsys.readouterr().out)
    chance = {w["weeks"]: w["probability"] for w in record["windows"]}
    assert list(chance) == [2, 4, 8] and chance[4] > 0.8
    assert record["usual_gap"] == 14 and record["last_date"] == "2024-06-19"
    assert main(["next", "--program", "cec", *common]) == 0
    assert "rounds recently every 14 days, the last on 2024-06-19" in capsys.readouterr().out


def test_too_few_rounds_and_a_far_date_are_one_line_errors(
    every_two_weeks, places, capsys, tmp_path
):
    common = ["--source", every_two_weeks, "--data-dir", str(tmp_path)]
    assert main(["next", "--program", "cec", "--on", "2025-06-01", *common]) == ERROR
    assert "347 days after the newest round (#129 of 2024-06-19)" in capsys.readouterr().err
    few = ["--source", places["FEED"], "--data-dir", str(tmp_path), "--on", "2024-06-20"]
    assert main(["chances", "505", "--program", "general", *few]) == ERROR
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "general has 2 rounds since its last pause" in err
