"""``mlprep`` with no command (or ``gui``) opens the app through a small parser that leaves the commands' parsers
unbuilt (issue 16); what it parses must be what the full parser parses, and anything else goes to the full one."""

from __future__ import annotations

import pytest

from mlprep import cli


@pytest.mark.parametrize("argv", [
    [], ["gui"], ["--data-dir", "/tmp/d"], ["--data-dir", "gui"], ["--data-dir=/tmp/d", "gui"], ["--data", "/tmp/d"],
    ["--install-desktop-entry"], ["--install-desktop-entry", "--data-dir", "/tmp/d", "gui"],
])
def test_opening_the_app_parses_as_the_full_parser_does(argv: list[str]) -> None:
    assert cli._gui_args(argv) == cli._parser().parse_args(argv)


@pytest.mark.parametrize("argv", [
    ["cards"], ["stats", "--json"], ["--data-dir", "/tmp/d", "reading"], ["gui", "--data-dir", "/tmp/d"],
    ["--version"], ["-h"], ["--data-dir"], ["bogus"], ["gui", "gui"], ["--data-dir", "/tmp/d", "--bogus"],
    ["--data-dir", "-h"], ["--data-dir", "--version"],
])
def test_anything_else_goes_to_the_full_parser(argv: list[str]) -> None:
    assert cli._gui_args(argv) is None


def test_a_command_the_full_parser_refuses_is_still_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["gui", "--data-dir", "/tmp/d"])
    assert exit_info.value.code == 2
    assert "unrecognized arguments: --data-dir" in capsys.readouterr().err
