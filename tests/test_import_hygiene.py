"""The engine must stay UI-free, and --help/--version must stay fast (no textual, no Azure SDK)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import wizard.core


def _loaded_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.split())


def test_core_never_imports_textual() -> None:
    modules = [m.name for m in pkgutil.walk_packages(wizard.core.__path__, "wizard.core.")]
    assert "wizard.core.engine" in modules
    code = "\n".join(f"import {m}" for m in modules)
    loaded = _loaded_after(code)
    assert not any(m == "textual" or m.startswith("textual.") for m in loaded)
    assert not any(m.startswith("azure.") for m in loaded), "core must reach Azure only through wizard.azure"


def test_version_and_help_import_neither_textual_nor_azure() -> None:
    for argv in (["--version"], ["--help"]):
        code = f"import sys\nsys.argv=['deploy-wizard', *{argv!r}]\nfrom wizard.cli.entry import main\ntry:\n    main()\nexcept SystemExit:\n    pass"
        loaded = _loaded_after(code)
        assert "textual" not in loaded
        assert not any(m.startswith("azure") for m in loaded)
