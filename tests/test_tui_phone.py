"""Pilot tests of the Phone screen on the simulator: the owned numbers are listed and the field has
focus on arrival; a number is bought with its typed phrase (a wrong phrase buys nothing), applied
(env, App Configuration, restart) and listed; and released with its own typed phrase."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Button, DataTable, Input

from tests.test_tui_flow import demo_app, step_done, until
from wizard.core.phone import ENV_KEY
from wizard.core.steps import StepId
from wizard.simulator.cloud import DEMO_NUMBER
from wizard.simulator.fakes import simulated_ports
from wizard.tui.app import WizardApp

pytestmark = pytest.mark.slow


async def to_phone(pilot, app: WizardApp) -> None:  # type: ignore[no-untyped-def]
    await until(pilot, lambda: app.current_view == "project")
    await pilot.press("n")
    await until(pilot, lambda: app.current_view == StepId.ENVIRONMENT)
    await pilot.press("ctrl+n")
    await until(pilot, step_done(app, StepId.PREFLIGHT))
    for step in (StepId.PROVISION, StepId.DEPLOY):
        await pilot.press("n")
        await until(pilot, lambda s=step: app.current_view == s)
        await pilot.press("g")
        await until(pilot, step_done(app, step))
    await pilot.press("n")
    await until(pilot, lambda: app.current_view == StepId.PHONE)


def owned(app: WizardApp) -> list[str]:
    return [n.number for n in simulated_ports(app.project.root, "dev").phone_numbers_for("x").list_numbers()]


async def test_buy_with_the_typed_phrase_applies_lists_and_releases(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await to_phone(pilot, app)
        table = app.screen.query_one("#phone-numbers", DataTable)
        await until(pilot, lambda: table.row_count == 1)
        assert app.focused is app.screen.query_one("#phone-number", Input)
        await pilot.press("ctrl+b")
        await until(pilot, lambda: type(app.screen).__name__ == "BuyNumberScreen")
        buy = app.screen
        await pilot.press("enter")  # Search (focused): toll-free in US
        await until(pilot, lambda: buy.offer is not None)
        phrase = buy.offer.confirmation_phrase
        number = buy.offer.numbers[0]
        assert phrase == f"buy {number}" and "2.00 USD" in str(buy.query_one("#buy-offer").render())
        await pilot.press(*"buy +1")
        assert buy.query_one("#buy-apply", Button).disabled
        await pilot.press("enter")  # a wrong phrase buys nothing
        await pilot.pause()
        assert number not in owned(app) and "nothing bought" in str(buy.query_one("#buy-problem").render())
        buy.query_one("#buy-phrase", Input).value = ""
        await pilot.press(*phrase)
        await pilot.press("enter")
        await until(pilot, step_done(app, StepId.PHONE))
        assert app.state.step(StepId.PHONE).status == "done", app.state.step(StepId.PHONE).failure
        assert number in owned(app)
        assert app.engine.env_values[ENV_KEY] == number
        assert app.engine.facts["telephony"]["enabled"] is True
        assert "service:rtaudio-server" in app.state.step(StepId.PHONE).targets  # the backend restarted
        await until(pilot, lambda: table.row_count == 2)
        assert {str(table.get_row(k)[0]) for k in table.rows} == {DEMO_NUMBER, number}
        # release it: the typed phrase again
        app.screen.query_one("#phone-number", Input).value = number
        await pilot.press("ctrl+x")
        await until(pilot, lambda: type(app.screen).__name__ == "TypedConfirmScreen")
        await pilot.press(*f"release {number}")
        await pilot.press("enter")
        await until(pilot, lambda: number not in owned(app))
        await until(pilot, lambda: table.row_count == 1)
    assert app.ui_errors == []
