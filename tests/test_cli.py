"""Every command of ``ee-trends`` answers ``--help`` from the installed entry point."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ee_trends.cli import build_parser

EXE = Path(sys.executable).with_name("ee-trends")
COMMANDS = sorted(build_parser()._subparsers._group_actions[0].choices)


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)], ids=["ee-trends", *COMMANDS])
def test_help(command):
    result = subprocess.run([EXE, *command, "--help"], capture_output=True, text=True, check=True)
    assert result.stdout.startswith(f"usage: ee-trends {' '.join(command)}".rstrip())


def test_core_commands_exist():
    assert {"fetch", "build", "info"} <= set(COMMANDS)
