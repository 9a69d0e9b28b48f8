"""User text reaches a terminal as written: Rich never reads a layer's name, type or message as markup."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shapecalc.commands.pipeline import analyze_path

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
CASES = Path(__file__).parent / "cases"
MARKUP_NAME = "[bold red]x[/]"


def plain(text: str) -> str:
    return ANSI.sub("", text)


def test_markup_name_printed_as_written_by_a_forced_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from shapecalc.render import rich_table

    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.delenv("NO_COLOR", raising=False)
    analysis = analyze_path(str(CASES / "name_rich_markup.yaml")).analysis
    assert analysis is not None
    stream = io.StringIO()
    rich_table.render(analysis, stream)
    output = stream.getvalue()
    assert "\x1b[" in output, "the console was not in terminal mode"
    assert f"{MARKUP_NAME} (Linear)" in plain(output)


def _read_terminal(argv: list[str], columns: int = 120, timeout: float = 30) -> tuple[int, str]:
    """Run argv on a pseudo-terminal, as a user at a shell would: (exit code, everything it printed)."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": str(columns), "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(argv, stdin=follower, stdout=follower, stderr=follower, env=env, close_fds=True)
    os.close(follower)
    chunks = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.1)
        if ready:
            try:
                data = os.read(leader, 65536)
            except OSError:  # the terminal closed: the process has ended
                break
            if not data:
                break
            chunks.append(data)
        elif process.poll() is not None:
            break
    os.close(leader)
    return process.wait(timeout=timeout), b"".join(chunks).decode("utf-8", "replace")


def test_markup_name_on_a_real_terminal() -> None:
    code, output = _read_terminal([sys.executable, "-m", "shapecalc", "summarize", str(CASES / "name_rich_markup.yaml")])
    assert code == 0, output
    assert "\x1b[" in output, "summarize did not take the terminal path"
    assert f"{MARKUP_NAME} (Linear)" in plain(output)


def test_markup_type_in_a_message_on_a_real_terminal() -> None:
    code, output = _read_terminal([sys.executable, "-m", "shapecalc", "summarize", str(CASES / "type_rich_markup.yaml")])
    assert code == 2, output
    assert "[link=http://x]Dense[/link]" in plain(output)
    assert "Traceback" not in output


def test_a_huge_model_on_a_terminal_gets_the_plain_table(tmp_path: Path) -> None:
    """Rich takes seconds to lay out thousands of rows; past RICH_ROWS the terminal gets the plain table."""
    from shapecalc.commands.summarize import RICH_ROWS

    path = tmp_path / "huge.yaml"
    path.write_text("input: [4]\nlayers:\n" + "  - Dense: 4\n" * (RICH_ROWS + 1))
    code, output = _read_terminal([sys.executable, "-m", "shapecalc", "summarize", str(path)])
    assert code == 0, output[-2000:]
    assert "\x1b[" not in output and f"dense_{RICH_ROWS} (Dense)" in output


def test_a_narrow_terminal_gets_a_table_that_fits_and_wraps() -> None:
    """COLUMNS=60: the U-Net's four-column table (about 100 wide) shrinks to the screen, cells wrapping as
    Keras's do at a short line_length; nothing is cut: every layer name is still there in pieces."""
    spec = Path(__file__).resolve().parents[2] / "specs" / "unet.yaml"
    code, output = _read_terminal([sys.executable, "-m", "shapecalc", "summarize", str(spec)], columns=60)
    assert code == 0, output
    text = plain(output)
    table = [line for line in text.splitlines() if line[:1] in "┏┃┡│├└"]
    assert table and max(len(line) for line in table) <= 60
    assert "enc1_conv1" in text and "(Conv2D)" in text and "Total params:" in text


def test_a_wide_terminal_keeps_the_table_on_one_line_a_row() -> None:
    spec = Path(__file__).resolve().parents[2] / "specs" / "unet.yaml"
    code, output = _read_terminal([sys.executable, "-m", "shapecalc", "summarize", str(spec)], columns=200)
    assert code == 0, output
    assert "│ enc1_conv1 (Conv2D)" in plain(output)
