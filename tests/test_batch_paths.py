"""The flood fast paths give exactly what the line-by-line paths give.

Decoding, masking and attributing work on whole batches (one decode, one scan, one regex search)
so a 100k-line flood stays cheap; these tests hold each batch path to its per-line reference on
generated hostile batches and on real transcripts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.core.ansi import clean_line, clean_text
from wizard.core.attribute import attribute
from wizard.core.parse import OutputParser
from wizard.core.redact import Redactor
from wizard.core.runner import _decode, _decode_block

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "terraform-samples"
TRANSCRIPTS = Path(__file__).parent / "fixtures" / "transcripts"

HEADS = ["azurerm_resource_group.main: ", "azurerm_x.y (local-exec): ", "module.app[0].azurerm_z.w: ", "data.azurerm_client_config.me: "]
RESTS = [
    "Still creating... [10s elapsed]",
    "Creating...",
    "Creation complete after 3s [id=/subscriptions/x]",
    "Creation errored after 1s",
    "Destroying... [id=x]",
    "Reading...",
    "Read complete after 0s",
    "Provisioning with 'local-exec'...",
    "[build] step 1: compiling ... ok",
    "Executing: [\"/bin/sh\"]",
    "",
    "S",
    "x",
]
OTHER = ["│ Error: creating thing", "╷", "╵", "  (✓) Done: Resource group", "Apply complete!", "", "ERROR: deployment failed", "Plan: 3 to add"]
tf_line = st.one_of(
    st.builds(lambda head, rest: head + rest, st.sampled_from(HEADS), st.sampled_from(RESTS)),
    st.sampled_from(OTHER),
    st.text(alphabet=st.characters(blacklist_characters="\n\r\x1b"), max_size=30),
)


def by_line(step: str, texts: list[str]) -> tuple[list[str | None], list[tuple[str, str, str]], OutputParser]:
    parser = OutputParser(step)
    targets, updates = [], []
    for text in texts:
        attribution = parser.feed(text)
        targets.append(attribution.target)
        updates += [(u.target, u.status, u.phase) for u in attribution.updates]
    return targets, updates, parser


def by_batch(step: str, texts: list[str], size: int) -> tuple[list[str | None], list[tuple[str, str, str]], OutputParser]:
    parser = OutputParser(step)
    targets: list[str | None] = []
    updates = []
    for start in range(0, len(texts), size):
        batch = texts[start : start + size]
        got, changed = attribute(parser, batch, "\n".join(batch))
        targets += got
        updates += [(u.target, u.status, u.phase) for u in changed.values()]
    return targets, updates, parser


def last_per_target(updates: list[tuple[str, str, str]]) -> dict[str, tuple[str, str]]:
    return {target: (status, phase) for target, status, phase in updates}


def assert_same(step: str, texts: list[str], size: int) -> None:
    ref_targets, ref_updates, ref = by_line(step, texts)
    targets, updates, parser = by_batch(step, texts, size)
    assert targets == ref_targets
    assert last_per_target(updates) == last_per_target(ref_updates)
    assert (parser.index, parser.current_target, parser.continuation) == (ref.index, ref.current_target, ref.continuation)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(tf_line, max_size=60), st.integers(min_value=1, max_value=25))
def test_batch_attribution_is_feeding_line_by_line(texts: list[str], size: int) -> None:
    assert_same("provision", texts, size)


def real_transcripts() -> list[Path]:
    files = sorted(TRANSCRIPTS.glob("*.txt"))
    if REFERENCE.is_dir():
        files += sorted(REFERENCE.glob("*.txt"))
    return files


@pytest.mark.parametrize("path", real_transcripts(), ids=lambda p: p.name)
def test_batch_attribution_on_real_transcripts(path: Path) -> None:
    texts = clean_text(path.read_text(encoding="utf-8", errors="replace"))
    step = "teardown" if "destroy" in path.name else "provision"
    for size in (1, 7, 5000):
        assert_same(step, texts, size)


def test_a_flood_of_one_resource_is_one_run_with_its_target() -> None:
    texts = ["azurerm_x.y (local-exec): Executing: [\"/bin/sh\"]"] + [f"azurerm_x.y (local-exec): [build] step {i}" for i in range(10_000)]
    texts += ["azurerm_x.y: Creation complete after 9s [id=x]"]
    parser = OutputParser("provision")
    parser.feed("azurerm_x.y: Creating...")
    targets, updates = attribute(parser, texts, "\n".join(texts))
    assert set(targets) == {"resource:azurerm_x/y"}
    assert [(u.status, u.phase) for u in updates.values()] == [("done", "Created")]
    assert parser.index == len(texts)


# -- decoding ------------------------------------------------------------------------------------
raw_fragment = st.sampled_from(
    [b"plain text", b"\x1b[31m", b"\x1b[0m", b"\x1b]8;;https://x\x07", b"\x1b]0;title", b"\x1b", b"\x9b", b"\r", b"\x00", b"\xff\xfe", b"\xe2\x94", b"\x82", b"\t", b" ", b"\xc2\x9b1m", b"\xc2\x85", b"\xc2\xa9"]
)
raw_line = st.lists(st.one_of(raw_fragment, st.binary(max_size=8).filter(lambda b: b"\n" not in b)), max_size=10).map(b"".join)  # a line ending in \r is a CRLF line


@settings(max_examples=400, deadline=None)
@given(st.lists(raw_line, min_size=1, max_size=30))
def test_block_decoding_is_decoding_each_line(lines: list[bytes]) -> None:
    assert _decode_block(b"\n".join(lines)) == [_decode(line) for line in lines]


def test_block_decoding_cuts_long_lines_and_keeps_the_rest() -> None:
    long = b"x" * 40_000
    assert _decode_block(b"a\n" + long + b"\n\x1b[1mb\x1b[0m") == ["a", _decode(long), "b"]
    assert _decode(long).endswith("[23616 more characters]")


# -- masking -------------------------------------------------------------------------------------
SECRET_LINES = [
    "DefaultEndpointsProtocol=https;AccountName=st1;AccountKey=abcDEF123+/==;EndpointSuffix=x",
    "Password =",
    "hunter2-on-the-next-line",
    "https://st/c/b?sv=1&sig=AbC%2Fdef123%3D",
    "Authorization: Bearer",
    "abc.def.ghi",
    '{"accessToken": "opaque-token-value-123"}',
    '"password":',
    '"not-a-value"',
    "mongodb://admin:p4ss@host/",
    "eyJ0eXAiOiJKV1QiLCJhbGciOi.eyJhdWQiOiJodHRwczovL21h.c2lnbmF0dXJlLXBhcnQ",
    "an ordinary line",
    "env-secret-value-42 in the middle",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(SECRET_LINES), st.text(alphabet=st.characters(blacklist_characters="\n"), max_size=20)), min_size=1, max_size=20))
def test_masking_a_batch_is_masking_each_line(lines: list[str]) -> None:
    redactor = Redactor(["env-secret-value-42"])
    assert redactor.mask("\n".join(lines)).split("\n") == [redactor.mask(line) for line in lines]


def test_a_secret_never_joins_or_crosses_lines() -> None:
    masked = Redactor().mask("Password =\nhunter2\nAuthorization: Bearer\ntoken-on-next-line")
    assert masked.split("\n") == ["Password =", "hunter2", "Authorization: Bearer", "token-on-next-line"]


def test_clean_line_strips_an_unterminated_osc_to_the_end_of_its_line_only() -> None:
    assert clean_line("\x1b]0;window title") == ""
    assert _decode_block(b"\x1b]0;title\nnext line") == ["", "next line"]
