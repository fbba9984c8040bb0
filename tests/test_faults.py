"""Fault tests: cancel at generated points of every streamed step; hostile output everywhere."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import survivors
from wizard.backends import BackendChoice, simulator_backend
from wizard.core.engine import Engine, RunOptions
from wizard.core.events import Event, LinesReceived, StepFinished, StepStarted
from wizard.core.steps import Plan, StepId

STREAMED = [StepId.PROVISION, StepId.DEPLOY, StepId.PHONE]


def _fresh_project(base: Path, name: str) -> Path:
    from wizard.simulator.sample import copy_sample

    return copy_sample(base / name)


@settings(max_examples=9, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(step=st.sampled_from(STREAMED), after=st.integers(min_value=0, max_value=6), data=st.data())
def test_cancel_at_any_point_of_a_step(tmp_path_factory, step: StepId, after: int, data: st.DataObject) -> None:
    base = tmp_path_factory.mktemp("cancel")
    project = _fresh_project(base, "p")
    received: list[str] = []
    seen_in_step = 0
    state = {"step": None}
    engine: Engine

    def sink(event: Event) -> None:
        nonlocal seen_in_step
        if isinstance(event, StepStarted):
            state["step"] = event.step
        if isinstance(event, LinesReceived):
            received.extend(line.text for line in event.lines)
        if state["step"] == step.value and not engine.cancelled:
            seen_in_step += 1
            if seen_in_step > after:
                engine.cancel()

    options = RunOptions(
        project_dir=project, create_env=True, yes=True, phone="+14165551234", plan=Plan(),
    )
    engine = Engine(options, sink, backend=simulator_backend(BackendChoice(simulate=True, speed=0)))
    finished = asyncio.run(engine.run())
    assert finished.status == "cancelled"
    assert finished.exit_code == 130
    statuses = {s["id"]: s["status"] for s in finished.summary["steps"]}
    assert statuses[step.value] == "cancelled", statuses
    assert survivors(str(project)) == []
    raw = Path(finished.summary["log"]).read_text(encoding="utf-8").splitlines()
    assert raw == received, "the raw log must hold every line received, in order"
    assert not (project / ".azure" / "dev" / "wizard" / "lock").exists()
    summary = json.loads((Path(finished.summary["log"]).parent / "summary.json").read_text())
    assert summary["status"] == "cancelled"


HOSTILE = st.one_of(
    st.text(),
    st.binary().map(lambda b: b.decode("utf-8", "replace")),
    st.sampled_from(
        [
            "[bold red]not markup[/]",
            "[link=https://evil]x[/link] [$accent]y[/]",
            "\x1b[31m│\x1b[0m Error: \x1b[1mboom\x1b[0m",
            "\x00\x01\x02 NUL and friends \x7f",
            "a\rb\rc\r\r\r",
            "x" * 1_000_000,
            "ERROR: publishing service [red]x[/]: getting target resource: resource not found",
        ]
    ),
)


@settings(max_examples=200, deadline=None)
@given(text=HOSTILE)
def test_hostile_output_never_breaks_cleaning_parsing_or_plain_rendering(text: str) -> None:
    from wizard.cli.renderer import PlainRenderer
    from wizard.core.ansi import clean_line
    from wizard.core.parse import OutputParser

    cleaned = clean_line(text)
    parser = OutputParser("deploy")
    for line in cleaned.split("\n"):
        parser.feed(line)
    out = io.StringIO()
    renderer = PlainRenderer(out, verbose=True, github=False)
    renderer(LinesReceived.of("deploy", [cleaned]))
    renderer(StepFinished(step="deploy", status="done", started=0.0, finished=1.0))
    assert cleaned in out.getvalue()
