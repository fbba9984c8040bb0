"""The parser, diagnose and explain never raise, whatever the text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.core.diagnose import diagnose, match_text
from wizard.core.events import Line
from wizard.core.explain import explain, explain_json
from wizard.core.parse import OutputParser

# fragments of real output, so the random lines reach the interesting code paths
FRAGMENTS = [
    "ERROR: ",
    "│ Error: ",
    "│   with ",
    "│   on ",
    " line ",
    "╷",
    "╵",
    "azurerm_x.y: ",
    "Creating...",
    "Still creating... [",
    "s elapsed]",
    "  (✓) Done: ",
    "  (x) Failed: ",
    "Resource group: ",
    " (1.2s)",
    "  api: ",
    "Failed (",
    "Done [",
    "Deploying service ",
    "  - Endpoint: ",
    "'preprovision' hook failed with exit code: '",
    "Deployment Error Details:",
    "InsufficientQuota: ",
    "(azd provision)",
    "(azd up)",
    "SUCCESS: ",
    '{"type":"consoleMessage","data":{"message":"',
    '"}}',
    "\x1b[31m",
    "\x1b]8;;x\x07",
    "\r",
    "\r\n",
    "\x00",
    "[bold]",
    "[/]",
    "C:\\Users\\x\\",
    "module.a[0].",
    "data.",
    "Pre-Provisioning",
    "Executing ",
    " hook",
    "prompt required",
    "interactive prompts disabled",
    "{",
    "}",
    ":",
    " ",
    "\t",
    "é",
    "🚀",
    "\u2028",
]
line_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=12).map(
    "".join
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(line_text, max_size=40),
    st.sampled_from(["provision", "deploy", "teardown", "verify", "x"]),
)
def test_parser_never_raises(lines: list[str], step: str) -> None:
    parser = OutputParser(step)
    for line in lines:
        attribution = parser.feed(line)
        assert attribution.target is None or isinstance(attribution.target, str)
        for update in attribution.updates:
            assert update.status in {"pending", "running", "done", "failed", "skipped", "warning"}
    _ = parser.current_target


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(line_text, max_size=30))
def test_diagnose_and_explain_never_raise(lines: list[str]) -> None:
    failure = diagnose("provision", [Line(x) for x in lines], exit_code=1)
    assert failure.step == "provision"
    assert len(failure.evidence) <= 8
    text = "\n".join(lines)
    failures = explain(text)
    data = explain_json(failures)
    assert data["ok"] is (not failures)
    count = len(text.split("\n"))
    for f in failures:
        assert all(1 <= n <= count for n in f.evidence_lines)
    match_text("\n".join(lines))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=2000))
def test_arbitrary_unicode(text: str) -> None:
    OutputParser("deploy").feed(text)
    explain(text)


def test_pathological_inputs() -> None:
    parser = OutputParser("provision")
    big = "x" * 1_000_000
    for line in (
        big,
        "ERROR: " + big,
        "│ Error: " + big,
        "azurerm_x.y: " + big,
        '{"type":"consoleMessage","data":{"message":"' + "a" * 200_000 + '"}}',
        "\r" * 100_000,
        "\x00" * 10_000,
        "[markup]" * 10_000,
        "(" * 50_000,
        "  " + "a" * 5000 + ": Done",
    ):
        parser.feed(line)
    explain(big + "\n" + "ERROR: " + big + "\r\n" + "\r" * 10_000)
    diagnose("deploy", [Line(big), Line("ERROR: " + big)])
