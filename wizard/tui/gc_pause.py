"""Full garbage collections paused while a step streams (the App calls this for every event)."""

from __future__ import annotations

import gc

from wizard.core.events import Event, RunFinished, StepFinished, StepStarted


def pause_full_gc(event: Event) -> None:
    """While a step streams, keep the long-lived heap (Textual, the screens) out of full collections.

    A flood allocates fast enough to trigger a full collection every ~0.3 s, and walking the whole
    heap took ~70 ms each time: the longest stalls of the UI. At the step's start the garbage left
    by earlier screens is collected once, then `gc.freeze()` moves what is left to the permanent
    generation (Textual likewise pauses the GC while scrolling); `gc.unfreeze()` at the step's end
    hands it back, so nothing that dies during the step escapes collection.
    """
    if isinstance(event, StepStarted):
        if not gc.get_freeze_count():
            gc.collect()
        gc.freeze()
    elif isinstance(event, (StepFinished, RunFinished)):
        gc.unfreeze()
