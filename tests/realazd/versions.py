"""The azd versions the real-azd tests run: the newest tested and the oldest that replays.

1.25.1 is the first release whose record build signs in offline through the remote credential
(`AZD_AUTH_KEY`); the RemoteBuild cassette is byte-identical from 1.24.0 to 1.31.2, and both ends
replay it without a miss (see README, "Real azd"). `REAL_AZD_VERSIONS=1.31.2` (a comma list)
narrows a run. The range is the toolbox's (`tested` of azd in wizard/core/preflight/toolbox.yaml):
the one the wizard's version check states.
"""

from __future__ import annotations

import os

from wizard.core.preflight.toolbox import tested_range


def _dotted(version: tuple[int, ...]) -> str:
    return ".".join(map(str, version))


_TESTED = tested_range("azd")
assert _TESTED is not None, "toolbox.yaml states azd's tested releases"
OLDEST = _dotted(_TESTED.oldest)
NEWEST = _dotted(_TESTED.newest)
SUPPORTED = (OLDEST, NEWEST)


def selected_versions() -> tuple[str, ...]:
    chosen = os.environ.get("REAL_AZD_VERSIONS", "")
    return tuple(v.strip() for v in chosen.split(",") if v.strip()) or SUPPORTED
