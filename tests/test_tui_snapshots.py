"""Snapshots of every screen at 120×40 and 80×24, on the scripted engine (fixed content, clock and
paths; no cursor blink, no animation). Same scenes as `python -m devtools.screenshots`."""

from __future__ import annotations

import pytest

from devtools.screenshots import SCENES, SIZES, make_app


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("scene", SCENES, ids=[s.name for s in SCENES])
def test_screen_snapshot(snap_compare, scene, size) -> None:  # type: ignore[no-untyped-def]
    app = make_app(scene.scenario, autopilot=scene.autopilot)
    assert snap_compare(app, run_before=scene.drive, terminal_size=size)
    assert app.ui_errors == []
