"""Keys that work in a browser and a terminal alike.

`browser_keys.yaml` lists the keys a browser keeps for itself (`deploy-wizard serve` never gets
them). A binding may use one only as an alias of a key that works everywhere: `browser_only()`
finds the actions of a DOM class (screen, widget, app) that have no other key.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from importlib import resources
from typing import Any

import yaml
from textual.app import App
from textual.dom import DOMNode


@cache
def browser_keys() -> dict[str, str]:
    """Key (Textual's name, e.g. `ctrl+n`) -> what the browser does with it."""
    text = resources.files("wizard.tui").joinpath("browser_keys.yaml").read_text(encoding="utf-8")
    table = yaml.safe_load(text)
    return {str(key).lower(): str(why) for key, why in table.items()}


def browser_keeps(key: str) -> bool:
    return key.lower() in browser_keys()


def action_name(action: str) -> str:
    """`quit(True)` and `quit` are one action."""
    return action.split("(", 1)[0]


def actions_and_keys(cls: type[DOMNode]) -> dict[str, set[str]]:
    """Every action bound on `cls` (its own bindings and the inherited ones) -> its keys."""
    keys: dict[str, set[str]] = defaultdict(set)
    for key, bindings in cls._merge_bindings().key_to_bindings.items():
        for binding in bindings:
            keys[action_name(binding.action)].add(key)
    return dict(keys)


def browser_only(cls: type[DOMNode]) -> dict[str, set[str]]:
    """The actions of `cls` that a browser user cannot reach by key: all their keys are kept."""
    return {action: keys for action, keys in actions_and_keys(cls).items() if all(browser_keeps(k) for k in keys)}


def copy_selection(app: App[Any]) -> bool:
    """Copy the text the user selected with the mouse, then clear it; False if there is none.

    ctrl+c quits the wizard (browsers keep ctrl+q) but copies when text is selected, as a
    terminal does. Only a mouse selection counts: a text field selects its whole value when it
    takes focus, and ctrl+c there must still quit, not copy a name the user never chose to copy.
    """
    selected = app.screen.get_selected_text() or ""
    if not selected:
        return False
    app.copy_to_clipboard(selected)
    app.screen.clear_selection()
    app.notify("Copied the selected text. ctrl+c again quits.", timeout=4)
    return True
