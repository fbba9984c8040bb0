"""A modal list to pick one value (demo scenario, simulated speed): arrows + Enter, Esc cancels."""

from __future__ import annotations

from typing import Generic, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

T = TypeVar("T")


class PickerScreen(ModalScreen[T | None], Generic[T]):
    """Dismisses with the chosen value, or None."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="picker-cancel")]

    def __init__(self, title: str, choices: list[tuple[T, Text]], current: T | None = None, note: Text | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.current = current
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text(self.title_text, style="bold"))
            if self.note is not None:
                yield Static(self.note)
            yield OptionList(*[Option(label, id=str(i)) for i, (_, label) in enumerate(self.choices)], id="picker-list")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        index = next((i for i, (value, _) in enumerate(self.choices) if value == self.current), 0)
        options.highlighted = index
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[event.option_index][0])
