"""No planted secret reaches the screen of a real terminal.

The wizard runs `run --autopilot` in a pseudo-terminal on the planted project of
tests/test_planted_outputs.py (hooks that print 30+ kinds of secret; the azd environment and the
process environment holding secret values). Every frame the test reads on the way — the streamed
provision log, the failure panel, the full log scrolled from its end to its top — is checked, and
so is every 12-character piece of each secret: a secret cut by the screen's edge still counts
(pieces the planted lines also print around their secrets, like a SAS URL's `sv=` date, are not
evidence and are left out).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.planted_secrets import process_env_secret
from tests.terminal.conftest import Spawn
from tests.terminal.pty_terminal import Screen
from tests.test_planted_outputs import PLANTED, SECRETS, planted_project
from wizard.simulator.cloud import CLOUD_ENV

pytestmark = pytest.mark.slow

PIECE = 12  # a secret's shortest visible part that still identifies it (random characters)


def pieces(secret: str) -> set[str]:
    """The secret, or every PIECE-long run of it (a part cut at the screen's edge still leaks)."""
    if len(secret) <= PIECE:
        return {secret}
    return {secret[i : i + PIECE] for i in range(len(secret) - PIECE + 1)}


def public_context() -> str:
    """The planted lines with every secret taken out: what may be shown (a SAS URL's `sv=` part)."""
    text = "\n".join(line for p in PLANTED for line in p.lines)
    for secret in SECRETS:
        text = text.replace(secret, "\n")
    return text


class Frames:
    """Every distinct frame seen, and the secret pieces found in any of them."""

    def __init__(self, extra_secrets: tuple[str, ...]) -> None:
        self.texts: set[str] = set()
        public = public_context()
        self.needles = {piece: secret for secret in (*SECRETS, *extra_secrets) for piece in pieces(secret)
                        if piece not in public}

    def see(self, screen: Screen) -> Screen:
        self.texts.add(screen.text)
        return screen

    def leaks(self) -> list[str]:
        return sorted({f"{piece!r} (of a secret {len(secret)} long)" for text in self.texts
                       for piece, secret in self.needles.items() if piece in text})


def test_no_planted_secret_reaches_a_real_terminal_screen(spawn: Spawn, tmp_path: Path) -> None:
    project = planted_project(tmp_path)
    ci = process_env_secret()
    frames = Frames((ci.value,))
    app = spawn(
        "run", "--simulate", "-C", str(project), "-e", "dev", "--yes", "--autopilot", size=(120, 40),
        env={CLOUD_ENV: str(project / ".sim-cloud"), ci.name: ci.value},
    )

    def watching(condition):  # type: ignore[no-untyped-def]
        return lambda screen: condition(frames.see(screen))

    failed = app.wait_for(
        watching(lambda s: s.has("✗ Provision") and s.footer_keys().get("r") == "Retry"),
        "provision fails at the postprovision hook that printed the secrets", timeout=120,
    )
    assert failed.has("postprovision"), failed.text
    # the full log, from its end (the hooks' lines, masked) up to its top
    app.press("l")
    end = app.wait_for(watching(lambda s: s.has("Full log") and s.has("****")), "the full log shows masked lines")
    assert "****" in end.text
    shown = frames.see(end)
    for _ in range(12):
        app.press("pageup")
        moved = app.wait_for(watching(lambda s, before=shown: s.text != before.text or s.has("Full log")), "the log scrolls up")
        if moved.text == shown.text:
            break
        shown = moved
    assert any("cloning with token ****" in text for text in frames.texts), "the hook's lines were on screen, masked"
    assert len(frames.texts) >= 5, "the test read the screen along the way"
    leaks = frames.leaks()
    assert leaks == [], f"secrets on screen in {len(frames.texts)} frames: {leaks}"
    app.press("ctrl+q")
    assert app.wait_exit() in (0, 1)


def test_the_check_sees_a_secret_cut_by_the_screen_edge_and_not_its_public_context() -> None:
    secret = max(SECRETS, key=len)
    frames = Frames(())
    frames.texts = {"│ " + secret[: PIECE + 3]}  # drawn up to the edge, the rest cut off
    assert frames.leaks(), "a cut secret is still a leak"
    frames.texts = {public_context()}
    assert frames.leaks() == [], "the text around the secrets is not evidence"
