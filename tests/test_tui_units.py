"""Screens and state fed with synthetic events (scripted engine): markup safety, log tools, teardown."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Log, Select, Static

from devtools.screenshots import make_app, until
from wizard.core.events import (
    Failure,
    Line,
    LinesReceived,
    StepFinished,
    StepStarted,
    TargetChanged,
)
from wizard.core.steps import StepId
from wizard.tui.run_state import RunState
from wizard.tui.widgets.failure_panel import failure_text
from wizard.tui.widgets.log_view import LogView


def test_state_follows_events_and_retry_resets_the_step() -> None:
    state = RunState()
    state.apply(StepStarted(step="deploy", title="Deploy", ts=10))
    state.apply(TargetChanged(step="deploy", target="service:web", status="running", phase="Building", ts=11))
    state.apply(LinesReceived.of("deploy", [Line("x", "service:web"), Line("y")], ts=12))
    failure = Failure(step="deploy", target="service:web", cause="boom")
    state.apply(TargetChanged(step="deploy", target="service:web", status="failed", phase="Failed", ts=15))
    state.apply(StepFinished(step="deploy", status="failed", started=10, finished=15, failure=failure, ts=15))
    view = state.step(StepId.DEPLOY)
    assert view.status == "failed" and view.failure is failure
    assert view.targets["service:web"].elapsed(99) == 4
    assert [e.line.text for e in state.log_entries(target="service:web")] == ["x"]
    assert state.failed_step is view
    state.apply(StepStarted(step="deploy", title="Deploy", ts=20))
    assert view.running and not view.targets and view.failure is None


def test_the_ui_and_the_engine_reduce_targets_alike() -> None:
    """One reducer (core/step_state.py): a warning stops a target's clock, running starts it again."""
    from wizard.core.step_state import StepState

    events = [
        TargetChanged(step="verify", target="check:a", status="running", ts=1),
        TargetChanged(step="verify", target="check:a", status="warning", phase="slow", ts=3),
        TargetChanged(step="verify", target="check:b", status="done", elapsed=2, ts=5),
        TargetChanged(step="verify", target="check:a", status="running", ts=6),
    ]
    engine_side = StepState(StepId.VERIFY)
    engine_side.begin(0)
    state = RunState()
    state.apply(StepStarted(step="verify", title="Verify", ts=0))
    for event in events:
        engine_side.apply_target(event)
        state.apply(event)
    ui_side = state.step(StepId.VERIFY)
    assert ui_side.targets == engine_side.targets
    assert ui_side.targets["check:b"].started == 3 and ui_side.targets["check:b"].finished == 5
    assert ui_side.targets["check:a"].finished is None and ui_side.targets["check:a"].phase == ""


def test_untrusted_text_is_never_markup() -> None:
    state = RunState()
    cause = "[bold red]not markup[/] [link=x]y[/link]"
    state.apply(StepFinished(step="deploy", status="failed", started=0, finished=1, failure=Failure("deploy", "service:[x]", cause, evidence=("[/]",))))
    text = failure_text(state.step(StepId.DEPLOY))
    assert cause in text.plain and "[/]" in text.plain and "service [x]" in text.plain


async def test_log_filter_search_follow_and_save(tmp_path: Path) -> None:
    app = make_app("missing-tag", autopilot=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.state.failed_step is not None and not app.state.running)
        await pilot.press("l")
        await until(pilot, lambda: type(app.screen).__name__ == "LogScreen")
        view = app.screen.query_one(LogView)
        view.flush()
        total = view.log_widget.line_count
        assert total >= 8
        view.target = "service:webchat-demo"
        assert 0 < view.log_widget.line_count < total
        assert all("webchat" in ln or "Docker" in ln or "ERROR" in ln for ln in view.log_widget.lines)
        await pilot.press("f")
        assert view.follow is False and view.log_widget.auto_scroll is False
        await pilot.press("slash", *"ERROR", "enter")
        assert view.search == "ERROR" and view.log_widget.line_count == 1
        path = view.save(tmp_path)
        assert path.read_text().count("\n") == 1 and "ERROR" in path.read_text()
        # x clears target and search; the view says so (TargetChanged) and the picker follows
        picker = app.screen.query_one("#target-filter", Select)
        assert picker.value == "service:webchat-demo"
        await pilot.press("x")
        assert view.target is None and view.search == "" and view.log_widget.line_count == total
        await pilot.pause()
        assert picker.is_blank() and view.target is None
        await pilot.press("f", "f", "f")  # watchers run at once; the log's FollowChanged notes arrive later
        await pilot.pause()
        assert view.follow is True and view.log_widget.auto_scroll is True
        assert "● following" in str(view.query_one("#log-status", Static).render())
        await pilot.press("escape")
        assert type(app.screen).__name__ == "RunStepScreen"


async def test_teardown_deletes_only_after_the_env_name_is_typed() -> None:
    app = make_app("happy", autopilot=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.current_view == "summary" and app.state.finished is not None)
        await pilot.press("t")
        await until(pilot, lambda: bool(app.screen.query("#confirm-row")) and app.screen.query_one("#confirm-row").display)
        delete = app.screen.query_one("#delete", Button)
        await pilot.press(*"de", "enter")
        await pilot.pause()
        assert delete.disabled and app.state.step(StepId.TEARDOWN).status == "pending"
        await pilot.press("v")
        await pilot.pause()
        assert not delete.disabled
        await pilot.press("enter")
        await until(pilot, lambda: app.state.step(StepId.TEARDOWN).status == "done")
        await until(pilot, lambda: [x.name for x in app.screen.leftovers] == ["rg-tfstate-demo"])
        assert "Left behind" in str(app.screen.query_one("#leftovers", Static).render())
        assert app.screen.query_one("#teardown-log", LogView).query_one(Log).line_count >= 1


async def test_palette_offers_jump_log_teardown_and_theme() -> None:
    app = make_app("happy", autopilot=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.current_view == "summary" and app.state.finished is not None)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for wanted in ("Jump to provision", "Open log", "Start teardown", "History", "Switch theme (light/dark)"):
            assert wanted in titles
        await pilot.press("ctrl+d")
        assert app.theme == "textual-light"
        await pilot.press("ctrl+p", *"jump to deploy", "enter")
        await until(pilot, lambda: app.current_view == StepId.DEPLOY)


def test_log_buffer_keeps_the_last_lines_in_order_without_per_line_objects() -> None:
    from wizard.tui.run_state import LogBuffer, LogChunk

    buffer = LogBuffer(maxlen=5)
    def add(step: str, lines: list[Line | str], stream: str = "out") -> None:
        buffer.add(LogChunk.of(LinesReceived.of(step, lines, stream=stream)))

    add("provision", [Line(f"a{i}", "resource:x") for i in range(3)])
    add("provision", ["$ azd provision"], stream="wizard")
    add("provision", [Line("b", "hook:pre"), "c"])
    add("deploy", [Line("d", "service:web")])
    assert len(buffer) == 5
    assert [e.line.text for e in buffer] == ["a2", "$ azd provision", "b", "c", "d"]
    assert [e.line.stream for e in buffer] == ["out", "wizard", "out", "out", "out"]
    assert [e.step for e in buffer] == ["provision"] * 4 + ["deploy"]
    assert next(iter(buffer)).line == Line("a2", "resource:x")
    add("deploy", [str(i) for i in range(7)])  # one batch bigger than the cap
    assert [e.line.text for e in buffer] == ["2", "3", "4", "5", "6"]


def test_state_log_lines_marks_wizard_lines_and_filters_by_step_target_and_search() -> None:
    state = RunState()
    state.apply(LinesReceived.of("provision", ["$ azd provision"], stream="wizard", ts=1))
    state.apply(LinesReceived.of("provision", [Line("Creating rg", "resource:rg"), Line("[bold]x[/]", "hook:pre")], ts=1))
    state.apply(LinesReceived.of("deploy", [Line("Building web", "service:web")], ts=2))
    assert state.log_lines() == ["» $ azd provision", "Creating rg", "[bold]x[/]", "Building web"]
    assert state.log_lines(step="deploy") == ["Building web"]
    assert state.log_lines(target="resource:rg") == ["Creating rg"]
    assert state.log_lines(search="BUILDING") == ["Building web"]
    assert state.log_targets() == ["resource:rg", "hook:pre", "service:web"]
    assert [e.line.text for e in state.log_entries(target="hook:pre")] == ["[bold]x[/]"]


def test_full_gc_is_paused_only_while_a_step_streams() -> None:
    import gc

    from wizard.tui.gc_pause import pause_full_gc

    try:
        pause_full_gc(StepStarted(step="provision", title="Provision", ts=1))
        assert gc.get_freeze_count() > 0
        pause_full_gc(StepFinished(step="provision", status="done", started=1, finished=2, ts=2))
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()


async def test_a_flood_reaches_the_step_log_in_batches_and_target_rows_stay_live() -> None:
    from wizard.tui.widgets.target_table import TargetTable

    app = make_app("happy", autopilot=False)
    async with app.run_test(size=(120, 40)) as pilot:
        app.show_view(StepId.PROVISION)
        await until(pilot, lambda: type(app.screen).__name__ == "RunStepScreen")
        screen = app.screen
        events = [StepStarted(step="provision", title="Provision", ts=1)]
        events += [LinesReceived(step="provision", texts=tuple(f"line {i}" for i in range(j, j + 1000)), targets=("resource:rg",) * 1000, ts=2) for j in range(0, 12_000, 1000)]
        events += [TargetChanged(step="provision", target=f"resource:r{i}", status="running", phase="Creating", ts=3) for i in range(5)]
        events += [TargetChanged(step="provision", target="resource:r1", status="done", phase="Created", ts=4)]
        for event in events:
            app.on_engine_event(event)
        view = screen.query_one(LogView)
        view.flush()
        assert view.log_widget.line_count == 10_000 and view.log_widget.lines[-1] == "line 11999"
        await pilot.pause()
        table = screen.query_one(TargetTable)
        assert table.row_count == 5
        assert table.get_row("resource:r1")[2].plain == "Created"
        view.target = "resource:rg"
        assert view.log_widget.line_count == 10_000
        view.target = "resource:r1"
        assert view.log_widget.line_count == 0
        app.on_engine_event(StepFinished(step="provision", status="done", started=1, finished=5, ts=5))


def test_flood_log_measures_widths_like_log_without_a_thread() -> None:
    from rich.cells import cell_len

    from wizard.tui.widgets.flood_log import widest

    assert widest([]) == 0
    assert widest(["abc", "abcdef", ""]) == 6
    assert widest(["ab", "日本語のログ"]) == 12  # wide characters take two cells
    assert widest(["a\tb"]) == cell_len(Log._process_line("a\tb")) == 9
    assert widest(["x" * 50, "✓ done"]) == 50


async def test_a_flood_log_batch_sizes_the_log_inline() -> None:
    app = make_app("happy", autopilot=False)
    async with app.run_test(size=(120, 40)) as pilot:
        app.show_view(StepId.PROVISION)
        await until(pilot, lambda: type(app.screen).__name__ == "RunStepScreen")
        log = app.screen.query_one(LogView).log_widget
        workers = len(app.workers)
        log.write_lines(["short", "🚀" * 200])
        # measured on the spot (Textual's Log would start a thread worker and size it later)
        assert log.virtual_size.width == 400
        assert len(app.workers) == workers


async def test_a_paused_flood_log_keeps_its_lines_in_view_when_old_ones_are_dropped() -> None:
    from textual import events
    from textual.app import App, ComposeResult

    from wizard.tui.widgets.flood_log import FloodLog

    class OneLog(App[None]):
        changes: list[bool] = []

        def compose(self) -> ComposeResult:
            yield FloodLog(max_lines=100)
            yield Log(id="plain")

        def on_flood_log_follow_changed(self, event: FloodLog.FollowChanged) -> None:
            self.changes.append(event.following)

    app = OneLog()
    async with app.run_test(size=(60, 24)) as pilot:
        log, plain = app.query_one(FloodLog), app.query_one("#plain", Log)
        log.write_lines([f"line {i}" for i in range(100)])
        plain.write_lines([f"line {i}" for i in range(100)])
        await pilot.pause()
        assert log.is_vertical_scroll_end
        changes = app.changes
        # the wheel pauses and scrolls as far as Textual's Log does
        for widget in (log, plain):
            widget.post_message(events.MouseScrollUp(widget, 1, 1, 0, 0, 0, False, False, False))
        await pilot.pause()
        assert log.auto_scroll is False and changes == [False]
        assert log.scroll_y == plain.scroll_y < plain.max_scroll_y
        log.scroll_to(y=40, animate=False, immediate=True)
        top = log.lines[int(log.scroll_y)]
        log.write_lines([f"more {i}" for i in range(30)])  # 30 old lines go: the view moves up with its text
        assert log.line_count == 100 and log.lines[int(log.scroll_y)] == top
        log.auto_scroll = True
        await pilot.pause()
        assert log.is_vertical_scroll_end and changes == [False, True]


async def test_the_footer_is_rebuilt_only_when_the_keys_it_shows_change() -> None:
    from textual.widgets import Footer

    app = make_app("happy", autopilot=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "ProjectScreen")
        await pilot.pause()
        footer = app.screen.query_one(Footer)
        recomposed = 0
        original = footer.recompose

        async def counting() -> None:
            nonlocal recomposed
            recomposed += 1
            await original()

        footer.recompose = counting  # type: ignore[method-assign]
        for _ in range(3):
            app.screen.refresh_bindings()
            await pilot.pause()
        assert recomposed == 0
        app.screen._footer_shows = None  # a state it has not shown yet: the footer is told
        app.screen.refresh_bindings()
        await pilot.pause()
        assert recomposed == 1



async def test_the_target_table_keeps_the_failed_row_in_view_when_it_shrinks() -> None:
    from wizard.tui.widgets.target_table import TargetTable

    app = make_app("missing-tag", autopilot=True)
    async with app.run_test(size=(80, 40)) as pilot:
        await until(pilot, lambda: app.state.failed_step is not None and not app.state.running)
        table = app.screen.query_one(TargetTable)
        failed = table.get_row_index("service:webchat-demo")
        table.reveal_failure()  # as the table does on its own once the step fails
        await until(pilot, lambda: table.cursor_row == failed)
        tall = table.size.height
        await pilot.resize_terminal(80, 14)  # the table (4 lines: its columns fit 80) shrinks below the failed row

        def failed_row_shown() -> bool:
            top = table.scroll_y
            return table.size.height < tall and top <= failed < top + table.scrollable_content_region.height - 1  # -1: header

        await until(pilot, failed_row_shown)


async def test_the_phone_field_types_phone_characters_and_leaves_letters_to_the_bindings() -> None:
    from textual.app import App, ComposeResult
    from textual.binding import Binding

    from wizard.tui.screens.phone import PhoneInput

    class OneField(App[None]):
        BINDINGS = [Binding("g", "apply", "Apply")]
        applied = 0

        def compose(self) -> ComposeResult:
            yield PhoneInput()

        def action_apply(self) -> None:
            self.applied += 1

    app = OneField()
    async with app.run_test() as pilot:
        app.query_one(PhoneInput).focus()
        await pilot.press("+", "1", "g", "4", "x")
        assert app.query_one(PhoneInput).value == "+14" and app.applied == 1


def test_one_duration_format_for_every_front_end() -> None:
    from wizard.cli.report_command import _duration
    from wizard.core.durations import format_duration
    from wizard.tui.format import format_duration as tui_format
    from wizard.web.room import duration

    assert tui_format is format_duration
    cases = {None: "", 0: "0s", 0.3: "0.3s", 4.4: "4s", 125: "2m05s", 3725: "1h02m"}
    assert {k: format_duration(k) for k in cases} == cases
    assert duration(0.3) == "0s" and duration(59.9) == "59s" and duration(3725) == "1h02m"
    assert _duration(None) == "-" and _duration(3725) == "1h02m"


def test_the_app_implements_every_intent_its_screens_are_typed_against() -> None:
    from wizard.tui.app import WizardApp
    from wizard.tui.app_base import WizardAppBase

    concrete = {"watch_busy", "loaded_project"}  # the base's own, shared by every app
    intents = [name for name, value in vars(WizardAppBase).items()
               if not name.startswith("__") and (callable(value) or isinstance(value, property))]
    assert len(intents) > 20
    assert [name for name in intents if name not in concrete and name not in vars(WizardApp)] == []
