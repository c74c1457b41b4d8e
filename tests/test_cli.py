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
    return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=120, **options)


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)], ids=["ee-trends", *COMMANDS])
def test_help(command):
    result = run(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: ee-trends {' '.join(command)}".rstrip())


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
def test_bad_arguments_fail_in_one_line(name, args, places, tmp_path):
    result = run(*(arg.format(**places) for arg in args), env=_env(tmp_path))
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == ERROR, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "error:" in lines[0], result.stderr


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


def test_program_keys_in_any_case():
    args = build_parser().parse_args(["predict", "--program", " CEC", "--invitations", "5"])
    assert args.program == "cec"


def test_unknown_program_lists_the_keys(capsys):
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args(["predict", "--program", "CECX", "--invitations", "5"])
    assert done.value.code == ERROR
    assert "cec, pnp" in capsys.readouterr().err


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
