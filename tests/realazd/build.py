"""The record build of azd: downloaded from the Go module proxy, built once per version into a cache.

azd built with the `record` build tag sends all its HTTP through `AZD_TEST_HTTPS_PROXY` and takes its
clock from `AZD_TEST_FIXED_CLOCK_UNIX_TIME` (the module's `cmd/deps_record.go`). The module zip also
carries the recorded sessions (`test/functional/testdata/recordings`) and the projects they were
recorded on (`.../samples`), so one download gives the binary's source and its cassettes.

The binary goes to `<cache>/azd-record/<version>/azd` (cache: `$DEPLOY_WIZARD_CACHE`, else
`$XDG_CACHE_HOME/deploy-wizard`, else `~/.cache/deploy-wizard`), outside the repository; Go's own
module and build caches stay where Go keeps them. A file lock per version keeps parallel test
workers from building twice. The version is stamped with `-ldflags -X` so that `azd version` says
`azd version 1.31.2 (commit …)` like a released azd, not `0.0.0-dev.0`.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

MODULE = "github.com/azure/azure-dev/cli/azd"
VERSION_VARIABLE = f"{MODULE}/internal.Version"
NO_COMMIT = "0" * 40
BUILD_TIMEOUT_S = 30 * 60


class AzdUnavailable(Exception):
    """The record azd cannot be had here; `str()` is a one-line reason (used as a skip reason)."""


@dataclass(frozen=True)
class AzdModule:
    """azd's Go module as downloaded: its source folder, version and commit."""

    version: str
    dir: Path
    commit: str
    checksum_db: bool = True  # False: this module's zip had no checksum-database entry here

    @property
    def recordings(self) -> Path:
        return self.dir / "test" / "functional" / "testdata" / "recordings"

    @property
    def samples(self) -> Path:
        return self.dir / "test" / "functional" / "testdata" / "samples"

    def read(self, relative: str) -> str:
        return (self.dir / relative).read_text(encoding="utf-8")


def go_binary() -> str:
    """The `go` command, or AzdUnavailable saying it is missing."""
    found = shutil.which("go")
    if not found:
        raise AzdUnavailable("Go is not installed (needed to build azd with -tags=record)")
    return found


def cache_root() -> Path:
    explicit = os.environ.get("DEPLOY_WIZARD_CACHE")
    if explicit:
        return Path(explicit) / "azd-record"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "deploy-wizard" / "azd-record"


def _go(args: list[str], *, cwd: Path, timeout: float,
        extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [go_binary(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(extra_env or {})},
    )


def _last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1].strip() if lines else "(no output)"


def _download(version: str, extra_env: dict[str, str]) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="azd-mod-") as outside_any_module:
        done = _go(
            ["mod", "download", "-json", f"{MODULE}@v{version}"],
            cwd=Path(outside_any_module),
            timeout=BUILD_TIMEOUT_S,
            extra_env=extra_env,
        )
    try:
        info = json.loads(done.stdout)
    except json.JSONDecodeError:
        info = {}
    if done.returncode != 0 or "Dir" not in info:
        info["Error"] = info.get("Error") or _last_line(done.stderr)
    return info


def download_module(version: str) -> AzdModule:
    """`go mod download -json` of azd at `version` (already cached modules cost nothing).

    Some older tags (1.25.1, 1.26.0) are served by the module proxy but have no entry in the
    checksum database reachable here (`sumdb ... lookup ...: 404 Not Found`). For those, and only
    for this one module, the download is retried with `GONOSUMDB`: the zip is then trusted on the
    proxy's word, and every dependency is still checked against azd's own go.sum by the build.
    `AzdModule.checksum_db` says which way it went.
    """
    info = _download(version, {})
    checked = True
    if "Dir" not in info and "sumdb" in str(info.get("Error")) and "404" in str(info.get("Error")):
        info = _download(version, {"GONOSUMDB": MODULE})
        checked = False
    if "Dir" not in info:
        raise AzdUnavailable(f"go mod download {MODULE}@v{version} failed: {info['Error']}")
    origin = info.get("Origin") if isinstance(info.get("Origin"), dict) else {}
    commit = str(origin.get("Hash") or NO_COMMIT)  # type: ignore[union-attr]
    if len(commit) != 40:
        commit = NO_COMMIT
    return AzdModule(version=version, dir=Path(str(info["Dir"])), commit=commit, checksum_db=checked)


@dataclass(frozen=True)
class RecordAzd:
    """A built record azd: the binary, the module it came from, and how long the build took."""

    path: Path
    module: AzdModule
    built_seconds: float | None  # None: it was already in the cache


def _locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+")
    fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


def ensure_record_azd(version: str) -> RecordAzd:
    """The record azd for `version`, built when the cache lacks it (AzdUnavailable if it cannot be)."""
    go_binary()
    folder = cache_root() / version
    binary = folder / "azd"
    stamp = folder / "build.json"
    with _locked(folder / ".lock"):
        module = download_module(version)
        if binary.is_file() and stamp.is_file():
            return RecordAzd(path=binary, module=module, built_seconds=None)
        started = time.monotonic()
        partial = folder / f".azd.{os.getpid()}.partial"
        stamped = f"{VERSION_VARIABLE}={version} (commit {module.commit})"
        done = _go(
            ["build", "-tags=record", "-ldflags", f"-X '{stamped}'", "-o", str(partial), "."],
            cwd=module.dir,
            timeout=BUILD_TIMEOUT_S,
        )
        if done.returncode != 0:
            partial.unlink(missing_ok=True)
            raise AzdUnavailable(f"building the record azd {version} failed: {_last_line(done.stderr)}")
        os.replace(partial, binary)
        seconds = round(time.monotonic() - started, 1)
        stamp.write_text(
            json.dumps({"version": version, "commit": module.commit, "build_seconds": seconds,
                        "checksum_db": module.checksum_db}) + "\n",
            encoding="utf-8",
        )
        return RecordAzd(path=binary, module=module, built_seconds=seconds)
