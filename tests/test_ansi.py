"""clean_line / strip_ansi: what the runner applies to every raw line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.core.ansi import REPLACEMENT, clean_line, clean_text, strip_ansi

SAMPLES = Path("/work/shared/reference/terraform-samples")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain text", "plain text"),
        ("with CRLF\r\n", "with CRLF"),
        ("with LF\n", "with LF"),
        (
            "\x1b[0m\x1b[1mterraform_data.rg: Creating...\x1b[0m\x1b[0m",
            "terraform_data.rg: Creating...",
        ),
        (
            "\x1b[31m│\x1b[0m \x1b[0m\x1b[1m\x1b[31mError: \x1b[0m\x1b[0m\x1b[1mboom\x1b[0m",
            "│ Error: boom",
        ),
        ("\x1b]8;;https://aka.ms/x\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("\x1b]8;;https://aka.ms/x\x07link\x1b]8;;\x07", "link"),
        ("|=      |\r|==     |\rDone: Resource group", "Done: Resource group"),
        ("spinner\r\x1b[K\r", "spinner"),
        ("Creating\r\x1b[2K\rCreated\r\n", "Created"),
        ("a\tb", "a\tb"),
        ("nul\x00here", f"nul{REPLACEMENT}here"),
        ("bell\x07", f"bell{REPLACEMENT}"),
        ("\x1b[?25lhidden cursor\x1b[?25h", "hidden cursor"),
        ("\x1b[3Aup three", "up three"),
        ("dangling \x1b", "dangling "),
        ("\x1b(Bcharset", "charset"),
        ("\r\r\r", ""),
        ("", ""),
        ("[bold red]markup[/] stays literal", "[bold red]markup[/] stays literal"),
        (
            "C:\\Users\\dev\\AppData\\Local\\Temp\\azd-preprovision-1.ps1",
            "C:\\Users\\dev\\AppData\\Local\\Temp\\azd-preprovision-1.ps1",
        ),
    ],
)
def test_clean_line(raw: str, expected: str) -> None:
    assert clean_line(raw) == expected


def test_strip_ansi_leaves_plain_text_alone() -> None:
    text = "no escapes [here]"
    assert strip_ansi(text) is text


def test_clean_text_numbers_lines_like_an_editor() -> None:
    assert clean_text("a\r\nb\n\x1b[1mc\x1b[0m\n") == ["a", "b", "c"]
    assert clean_text("") == []


@pytest.mark.parametrize(
    "name", ["apply-failure-colour.txt", "apply-success-colour.txt", "destroy-colour.txt"]
)
def test_colour_samples_lose_every_escape(name: str) -> None:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip("reference samples not available")
    for raw in path.read_text(encoding="utf-8").split("\n"):
        line = clean_line(raw)
        assert "\x1b" not in line
        assert "[0m" not in line and "[1m" not in line


def test_colour_and_no_colour_failure_agree_on_the_error_lines() -> None:
    colour = SAMPLES / "apply-failure-colour.txt"
    plain = SAMPLES / "apply-failure-no-color.txt"
    if not colour.exists():
        pytest.skip("reference samples not available")
    cleaned = [
        clean_line(x).lstrip("│ ").rstrip() for x in colour.read_text(encoding="utf-8").splitlines()
    ]
    for needle in ("Error: local-exec provisioner error", "with terraform_data.frontend,"):
        assert any(needle in line for line in cleaned)
        assert needle in plain.read_text(encoding="utf-8")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_clean_line_never_raises_and_leaves_no_controls(raw: str) -> None:
    out = clean_line(raw)
    assert "\x1b" not in out
    assert "\r" not in out and "\n" not in out
    assert all(ch == "\t" or not (ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F) for ch in out)
    assert clean_line(out) == out  # idempotent


def test_clean_line_big_inputs() -> None:
    big = "x" * 1_000_000
    assert clean_line(big) == big
    storm = "\r".join(["progress"] * 50_000) + "\rfinal"
    assert clean_line(storm) == "final"
    assert clean_line("\x1b[31m" * 100_000 + "red") == "red"
