"""The bundled sample project (`sample/`) and how to lay down a copy of it.

The simulator deploys a copy, never the bundled tree itself: hooks write files
(`infra/terraform/backend.tf`, `.env.local`) and azd writes `.azure/`. A scenario may
change the copy so that the failure comes from the project on disk, as it would for a
real user:

- ``missing-tag``: the `webchat` Container App reads its tags from a JSON file
  (``jsondecode(file(...))``) that has no ``azd-service-name``, so a static read of the .tf
  files cannot confirm the tag and `azd deploy` cannot find the app for ``webchat-demo``.
- ``hook-failure``: postprovision.sh calls a helper script that does not exist, so it
  stops with "not found" and exit code 127 after printing its first tasks.

Any other scenario (or None) gives an unchanged copy.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import yaml

SAMPLE_ROOT: Path = Path(__file__).resolve().parent / "sample"
SAMPLE_NAME = "voice-agent-sample"

# Never copied: caches and anything a hook, azd or terraform writes into the tree.
_SKIP_DIRS = {"__pycache__", ".pytest_cache", "node_modules", ".terraform", ".azure", ".git"}
_SKIP_FILES = {"backend.tf", "provider.conf.json", ".env", ".env.local", ".DS_Store"}
_SKIP_SUFFIXES = (".pyc", ".tfstate", ".tfstate.backup")

_WEBCHAT_TAGS = """  tags = {
    "azd-service-name" = "webchat-demo"
    "azd-env-name"     = var.environment_name
  }
"""
_WEBCHAT_TAGS_FROM_FILE = '  tags = jsondecode(file("${path.module}/webchat-tags.json"))\n'
_WEBCHAT_TAGS_FILE = '{\n  "azd-env-name": "sample"\n}\n'
_SYNC_CALL = """    header "📦 Task 4: App Configuration Settings"
    sync_settings
"""
_SYNC_BROKEN = """    header "📦 Task 4: App Configuration Settings"
    log "Syncing config/appconfig.json (label: ${LABEL:-<none>})"
    ./devops/scripts/azd/helpers/sync-appconfig.sh --endpoint "$ENDPOINT" --label "$LABEL" --config config/appconfig.json
"""


def copy_sample(dest: Path, scenario: str | None = None) -> Path:
    """Copy the sample to `dest` (absent or an empty folder), shaped for `scenario`.

    Text files get LF line endings; hook scripts and other executables keep mode 755.
    Returns `dest`.
    """
    dest = Path(dest)
    _check_not_inside_sample(dest)
    if dest.is_symlink() or (dest.exists() and not dest.is_dir()):
        raise ValueError(f"{dest} exists and is not a folder")
    if dest.is_dir() and any(dest.iterdir()):
        raise ValueError(f"{dest} is not empty; the sample is only copied into an empty folder")
    dest.mkdir(parents=True, exist_ok=True)
    for src in _sample_files():
        rel = src.relative_to(SAMPLE_ROOT)
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        data = src.read_bytes()
        if b"\0" not in data:
            data = data.replace(b"\r\n", b"\n")
        target.write_bytes(data)
        target.chmod(0o755 if _is_executable(src, data) else 0o644)
    _apply_scenario(dest, scenario)
    return dest


def fresh_demo_copy(scenario: str | None = None) -> Path:
    """A new temporary folder holding a copy of the sample shaped for `scenario` (what `demo` runs on)."""
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="deploy-wizard-demo-"))
    return copy_sample(base / SAMPLE_NAME, scenario=scenario)


def reset_sample(dest: Path, scenario: str | None = None) -> Path:
    """Wipe a previous copy at `dest` and copy the sample again.

    Refuses (ValueError) unless `dest` is absent, empty, or holds an azure.yaml named
    voice-agent-sample, so it never deletes an unrelated folder.
    """
    dest = Path(dest)
    _check_not_inside_sample(dest)
    if dest.is_symlink():
        raise ValueError(f"{dest} is a symlink; refusing to wipe it")
    if dest.is_dir() and any(dest.iterdir()):
        if not _is_sample_copy(dest):
            raise ValueError(
                f"{dest} does not hold a copy of the sample (no azure.yaml named "
                f"{SAMPLE_NAME}); refusing to wipe it"
            )
        shutil.rmtree(dest)
    return copy_sample(dest, scenario)


# -- helpers --------------------------------------------------------------------------------


def _sample_files() -> list[Path]:
    files: list[Path] = []
    for root, dirs, names in os.walk(SAMPLE_ROOT):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        for name in sorted(names):
            if name in _SKIP_FILES or name.endswith(_SKIP_SUFFIXES):
                continue
            files.append(Path(root) / name)
    return files


def _is_executable(src: Path, data: bytes) -> bool:
    if src.stat().st_mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH):
        return True
    # Package installs do not always keep exec bits; shell scripts with a shebang get them back.
    return src.suffix == ".sh" and data.startswith(b"#!")


def _check_not_inside_sample(dest: Path) -> None:
    resolved = dest.resolve()
    if resolved == SAMPLE_ROOT or SAMPLE_ROOT in resolved.parents:
        raise ValueError(f"{dest} is inside the bundled sample; copy it somewhere else")


def _is_sample_copy(folder: Path) -> bool:
    path = folder / "azure.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False
    return isinstance(data, dict) and data.get("name") == SAMPLE_NAME


def _apply_scenario(dest: Path, scenario: str | None) -> None:
    if scenario == "missing-tag":
        tf = dest / "infra" / "terraform"
        _replace_once(tf / "containers.tf", _WEBCHAT_TAGS, _WEBCHAT_TAGS_FROM_FILE, "webchat")
        (tf / "webchat-tags.json").write_text(_WEBCHAT_TAGS_FILE, encoding="utf-8")
    elif scenario == "hook-failure":
        hook = dest / "devops" / "scripts" / "azd" / "postprovision.sh"
        _replace_once(hook, _SYNC_CALL, _SYNC_BROKEN, "")


def _replace_once(path: Path, old: str, new: str, after: str) -> None:
    """Replace `old` (first occurrence after the marker `after`) in `path`; fail loudly if absent."""
    text = path.read_text(encoding="utf-8")
    start = text.find(f'resource "azurerm_container_app" "{after}"') if after else 0
    index = text.find(old, max(start, 0))
    if start < 0 or index < 0:
        raise RuntimeError(f"sample file {path.name} no longer has the text this scenario edits")
    path.write_text(text[:index] + new + text[index + len(old) :], encoding="utf-8")
