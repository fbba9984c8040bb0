"""Keys that work in a browser and a terminal alike: no action only on a key browsers keep.

Walks every DOM class (app, screens, widgets, and Textual's widgets the wizard uses) found in the
`wizard.tui` package; `wizard/tui/browser_keys.yaml` is the one list of keys browsers keep.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

import wizard.tui
from tests.test_tui_flow import demo_app, step_done, until
from wizard.core.steps import StepId
from wizard.tui.keys import action_name, actions_and_keys, browser_keeps, browser_keys, browser_only

# Textual's own editing and paging keys on browser-kept keys, with what still works in a browser.
TEXTUAL_KEEPS = {
    "delete_left_word": "Input's ctrl+w; backspace and ctrl+u (delete to the start) still work",
    "page_left": "horizontal paging on ctrl+pageup; the mouse and the arrow keys still scroll",
    "page_right": "horizontal paging on ctrl+pagedown; the mouse and the arrow keys still scroll",
}


def dom_classes() -> dict[str, type[DOMNode]]:
    """Every Screen/Widget class defined or imported by a module of `wizard.tui`, and the app."""
    found: dict[str, type[DOMNode]] = {}
    for module_info in pkgutil.walk_packages(wizard.tui.__path__, "wizard.tui."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if not (inspect.isclass(value) and issubclass(value, DOMNode)):
                continue
            if issubclass(value, App) and value.__name__ != "WizardApp":
                continue  # Textual's App and the app's typed interface (WizardAppBase): the wizard runs WizardApp, which rebinds quit
            found[f"{value.__module__}.{value.__qualname__}"] = value
    return found


def declared_by(cls: type[DOMNode], action: str) -> list[type[DOMNode]]:
    """The classes in `cls`'s MRO whose own BINDINGS bind `action`."""
    owners = []
    for base in cls.__mro__:
        own = base.__dict__.get("BINDINGS", []) if isinstance(base, type) else []
        for item in own:
            binding = item if isinstance(item, Binding) else Binding(*item)
            if action_name(binding.action) == action:
                owners.append(base)
    return owners


def problems(cls: type[DOMNode]) -> list[str]:
    out = []
    for action, keys in browser_only(cls).items():
        owners = declared_by(cls, action)
        textual_only = owners and all(o.__module__.startswith("textual.") for o in owners)
        if textual_only and action in TEXTUAL_KEEPS:
            continue
        out.append(f"{cls.__qualname__}: {action!r} only on {sorted(keys)} (browsers keep them)")
    return out


def test_the_walk_sees_the_app_every_screen_and_textual_widgets() -> None:
    classes = dom_classes()
    names = {cls.__name__ for cls in classes.values()}
    assert {"WizardApp", "EnvironmentScreen", "ProjectScreen", "LogScreen", "TeardownScreen", "Input", "DataTable"} <= names
    assert sum(issubclass(c, Screen) for c in classes.values()) >= 15


def test_no_action_is_reachable_only_through_a_key_browsers_keep() -> None:
    found = [p for cls in dom_classes().values() for p in problems(cls)]
    assert found == []


def test_the_check_catches_an_action_only_on_a_browser_key_and_accepts_an_alias() -> None:
    class OnlyBrowserKey(Screen[None]):
        BINDINGS = [Binding("ctrl+n", "create", "Create"), Binding("f5", "refresh_all", "Refresh")]

    class WithAlias(Screen[None]):
        BINDINGS = [Binding("ctrl+s", "create", "Create"), Binding("ctrl+n", "create", show=False)]

    assert sorted(browser_only(OnlyBrowserKey)) == ["create", "refresh_all"]
    assert problems(OnlyBrowserKey) and not problems(WithAlias)
    assert browser_keeps("CTRL+W") and not browser_keeps("ctrl+s")
    assert {"ctrl+n", "ctrl+t", "ctrl+w", "ctrl+q", "ctrl+tab", "ctrl+l", "f5", "f11"} <= set(browser_keys())


def test_every_wizard_action_shown_in_a_footer_shows_a_key_that_works_in_a_browser() -> None:
    """The footer shows the first shown binding of an action: that one must not be browser-kept."""
    for cls in dom_classes().values():
        if not cls.__module__.startswith("wizard."):
            continue
        first_shown: dict[str, str] = {}
        for key, bindings in cls._merge_bindings().key_to_bindings.items():
            for binding in bindings:
                if binding.show:
                    first_shown.setdefault(action_name(binding.action), key)
        kept = {action: key for action, key in first_shown.items() if browser_keeps(key)}
        assert kept == {}, cls.__qualname__


def test_the_app_keys_theme_and_quit_have_browser_safe_keys_and_terminal_aliases() -> None:
    from wizard.tui.app import WizardApp

    keys = actions_and_keys(WizardApp)
    assert keys["toggle_theme"] == {"ctrl+d", "ctrl+t"}
    assert keys["quit"] == {"ctrl+c", "ctrl+q"}


@pytest.mark.parametrize("theme_key, quit_key", [("ctrl+d", "ctrl+c"), ("ctrl+t", "ctrl+q")])
async def test_theme_and_quit_work_on_both_keys(tmp_path: Path, theme_key: str, quit_key: str) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.current_view == "project")
        await pilot.press(theme_key)
        await until(pilot, lambda: app.theme == "textual-light")
        await pilot.press(quit_key)
        await until(pilot, lambda: app.return_code is not None)


@pytest.mark.parametrize("create_key", ["ctrl+s", "ctrl+n"])
async def test_create_works_on_the_browser_key_and_the_terminal_alias(tmp_path: Path, create_key: str) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.current_view == "project")
        await pilot.press("n")
        await until(pilot, lambda: app.current_view == StepId.ENVIRONMENT)
        await pilot.press(create_key)
        await until(pilot, step_done(app, StepId.PREFLIGHT))  # created, and preflight has run
        assert app.state.step(StepId.ENVIRONMENT).status == "done"
        await pilot.press("ctrl+c")
        await until(pilot, lambda: app.return_code is not None)


async def test_ctrl_c_copies_mouse_selected_text_and_otherwise_quits_even_from_a_text_field(tmp_path: Path) -> None:
    from textual.selection import SELECT_ALL
    from textual.widgets import Input, Static

    app = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.current_view == "project")
        await pilot.press("n")
        await until(pilot, lambda: app.current_view == StepId.ENVIRONMENT)
        title = next(w for w in app.screen.query(Static) if "Create a new environment" in str(w.render()))
        app.screen.selections = {title: SELECT_ALL}  # what a mouse drag over the title leaves
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert "Create a new environment" in (app.clipboard or "") and app.return_code is None
        assert not app.screen.selections, "the copy clears the selection, as a terminal does"
        name = app.screen.query_one("#env-name", Input)
        name.focus()
        name.select_all()  # what focus does to a field with a suggested value: not the user's copy
        await pilot.press("ctrl+c")
        await until(pilot, lambda: app.return_code is not None)


async def test_the_theme_key_works_from_a_text_field_and_leaves_its_text_alone(tmp_path: Path) -> None:
    from textual.widgets import Input

    app = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.current_view == "project")
        await pilot.press("n")
        await until(pilot, lambda: app.current_view == StepId.ENVIRONMENT)
        name = app.screen.query_one("#env-name", Input)
        name.focus()
        name.cursor_position = 0
        before = name.value
        await pilot.press("ctrl+d")  # an Input's own delete-right; the app's theme key wins
        await until(pilot, lambda: app.theme == "textual-light")
        assert name.value == before
