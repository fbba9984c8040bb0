"""One replayed azd session: the record azd, a fresh sample project, the proxy, the bicep stand-in.

`ReplaySession` hands over what a caller (a raw-azd test, the wizard's backend, the by-hand
`serve` command) needs: the azd argv, the child environment, the project copy, the environment
name and subscription of the cassette, and the proxy's misses.

The child environment is built from a table: the variables azd's own test harness sets
(`test/azdcli/cli.go`: proxy, fixed clock, subscription, synthetic subscription, remote
credential, provision progress off, agent detection off, `AZD_NON_INTERACTIVE=false`), the
test's location, a private `AZD_CONFIG_DIR` and `HOME`, telemetry and update check off, the bicep
stand-in, the wizard's `NO_COLOR=1`, a PATH of its own (the record azd as `azd`, nothing else) and
the proxy as `HTTPS_PROXY` with its certificate as CA bundle for the wizard's own Azure SDK and
HTTP clients; from the caller's environment it keeps only what is not
Azure's, azd's, a proxy's, a colour/terminal/locale setting or a CI marker (azd changes its
behaviour on CI markers).
"""

from __future__ import annotations

import functools
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.realazd.build import AzdModule, RecordAzd
from tests.realazd.cassette import Cassette
from tests.realazd.identity import TokenRefusal
from tests.realazd.proxy import Exchange, ReplayProxy

STANDIN = Path(__file__).with_name("bicep_standin.py")


@dataclass(frozen=True)
class Recording:
    """A cassette of azd's functional tests and the sample project it was recorded on."""

    cassette: str
    sample: str
    location: str  # the test sets AZURE_LOCATION itself (up_test.go), it is not a cassette variable
    service: str
    infra_file: str = "main.bicep"


REMOTE_BUILD = Recording(
    cassette="Test_CLI_Up_Down_ContainerApp_RemoteBuild",
    sample="containerremotebuildapp",
    location="eastus2",
    service="app",
)

_DROPPED_PREFIXES = ("AZURE_", "AZD_", "ARM_", "DEPLOY_WIZARD_", "LC_")
_DROPPED = {
    "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "ALL_PROXY", "https_proxy", "http_proxy", "no_proxy",
    "all_proxy", "NO_COLOR", "FORCE_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "COLORTERM", "TERM",
    "LANG", "LANGUAGE", "HOME",
    # CI markers azd reads (internal/tracing/resource/ci.go)
    "CI", "BUILD_ID", "TF_BUILD", "GITHUB_ACTIONS", "APPVEYOR", "TRAVIS", "CIRCLECI", "GITLAB_CI",
    "CODEBUILD_BUILD_ID", "JENKINS_URL", "TEAMCITY_VERSION", "JB_SPACE_API_URL", "bamboo.buildKey",
    "BITBUCKET_BUILD_NUMBER",
}


def inherited_env(environ: Mapping[str, str]) -> dict[str, str]:
    """The part of the caller's environment a replayed azd may see."""
    return {k: v for k, v in environ.items() if k not in _DROPPED and not k.startswith(_DROPPED_PREFIXES)}


@functools.cache
def _loaded(path: Path) -> Cassette:
    return Cassette.load(path)


def load_cassette(module: AzdModule, recording: Recording) -> Cassette:
    """A private copy of the recording's cassette (parsed once per process)."""
    return _loaded(module.recordings / f"{recording.cassette}.yaml").copy()


def pinned_bicep_version(module: AzdModule) -> str:
    """The bicep version azd requires (`pkg/tools/bicep/bicep.go`)."""
    found = re.search(r'semver\.MustParse\("([0-9.]+)"\)', module.read("pkg/tools/bicep/bicep.go"))
    return found.group(1) if found else "0.45.15"


def recorded_template(cassette: Cassette) -> dict[str, object]:
    """The compiled template of the cassette's first ARM deployment PUT (what bicep printed)."""
    for interaction in cassette.find("PUT", "/providers/Microsoft.Resources/deployments/"):
        body = json.loads(interaction.request_body() or b"{}")
        template = (body.get("properties") or {}).get("template") or {}
        if template.get("resources"):
            return template
    raise LookupError(f"{cassette.path.name}: no deployment request with a template")


@dataclass(frozen=True)
class Run:
    """One finished azd command."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    seconds: float


class ReplaySession:
    """Start with `with ReplaySession(azd, tmp_path) as session:`; see the module docstring."""

    def __init__(self, azd: RecordAzd, root: Path, recording: Recording = REMOTE_BUILD, *,
                 mutate: Callable[[Cassette], object] | None = None,
                 token_refusal: TokenRefusal | None = None,
                 environ: Mapping[str, str] | None = None, tools_path: str | None = None) -> None:
        self.azd = azd
        self.root = root
        self.recording = recording
        self.cassette = load_cassette(azd.module, recording)
        if mutate is not None:
            mutate(self.cassette)
        self.project_dir = root / "project"
        self.config_dir = root / "azd-config"
        self.home_dir = root / "home"
        self.bicep_dir = root / "bicep"
        self.bin_dir = root / "bin"
        self.ca_file = root / "replay-ca.pem"
        # PATH: a private bin with `azd` (the record build) first; no docker, so nothing of this
        # machine's tools changes what azd does, unless the caller adds `tools_path`
        self.tools_path = os.pathsep.join([str(self.bin_dir), *([tools_path] if tools_path else [])])
        self._environ = dict(os.environ if environ is None else environ)
        self.proxy = ReplayProxy(self.cassette, auth_key=secrets.token_hex(16), token_refusal=token_refusal)

    # -- facts of the recording -------------------------------------------------------------------
    @property
    def env_name(self) -> str:
        return self.cassette.env_name

    @property
    def subscription_id(self) -> str:
        return self.cassette.subscription_id

    @property
    def location(self) -> str:
        return self.recording.location

    @property
    def misses(self) -> list[Exchange]:
        return self.proxy.misses

    # -- life cycle -------------------------------------------------------------------------------
    def start(self) -> ReplaySession:
        shutil.copytree(self.azd.module.samples / self.recording.sample, self.project_dir)
        for folder in (self.project_dir, *self.project_dir.rglob("*")):
            folder.chmod(folder.stat().st_mode | 0o200)  # the module cache is read-only
        for folder in (self.config_dir, self.home_dir, self.bicep_dir, self.bin_dir):
            folder.mkdir(parents=True)
        self._write_bicep()
        (self.bin_dir / "azd").symlink_to(self.azd.path)  # for the wizard's AzureDeveloperCliCredential
        self.ca_file.write_bytes(self.proxy.certificate.cert_pem)
        self.proxy.start()
        return self

    def close(self) -> None:
        self.proxy.close()

    def __enter__(self) -> ReplaySession:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write_bicep(self) -> None:
        data = {
            "version": pinned_bicep_version(self.azd.module),
            "templates": {self.recording.infra_file: recorded_template(self.cassette)},
            "log": str(self.bicep_dir / "calls.jsonl"),
        }
        data_file = self.bicep_dir / "data.json"
        data_file.write_text(json.dumps(data), encoding="utf-8")
        launcher = self.bicep_dir / "bicep"
        launcher.write_text(
            f"#!{sys.executable} -I\n"
            "import runpy, sys\n"
            f"sys.argv = [{str(STANDIN)!r}, {str(data_file)!r}, *sys.argv[1:]]\n"
            f"runpy.run_path({str(STANDIN)!r}, run_name='__main__')\n",
            encoding="utf-8",
        )
        launcher.chmod(0o755)

    def bicep_calls(self) -> list[list[str]]:
        log = self.bicep_dir / "calls.jsonl"
        if not log.exists():
            return []
        return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]

    # -- what a caller runs -----------------------------------------------------------------------
    @property
    def extra_env(self) -> dict[str, str]:
        """The variables this session adds for azd (on top of inherited_env)."""
        return {
            "AZD_TEST_HTTPS_PROXY": self.proxy.url,
            "AZD_DEBUG_PROVISION_PROGRESS_DISABLE": "true",
            "AZD_TEST_FIXED_CLOCK_UNIX_TIME": self.cassette.clock,
            "AZURE_SUBSCRIPTION_ID": self.subscription_id,
            "AZD_DEBUG_SYNTHETIC_SUBSCRIPTION": self.subscription_id,
            "AZD_AUTH_ENDPOINT": self.proxy.url,
            "AZD_AUTH_KEY": self.proxy.auth_key,
            "AZD_DISABLE_AGENT_DETECT": "1",
            "AZD_NON_INTERACTIVE": "false",
            "AZURE_LOCATION": self.location,
            "AZD_CONFIG_DIR": str(self.config_dir),
            "HOME": str(self.home_dir),
            "AZURE_DEV_COLLECT_TELEMETRY": "no",
            "AZD_SKIP_UPDATE_CHECK": "true",
            "AZD_BICEP_TOOL_PATH": str(self.bicep_dir / "bicep"),
            "PATH": self.tools_path,
            # the wizard's own clients (Azure SDK, HTTP probes) reach the replayed Azure too
            "HTTPS_PROXY": self.proxy.url,
            "REQUESTS_CA_BUNDLE": str(self.ca_file),
            "SSL_CERT_FILE": str(self.ca_file),
            "NO_COLOR": "1",
            "TERM": "dumb",
            "LANG": "C.UTF-8",
        }

    @property
    def env(self) -> dict[str, str]:
        """The whole child environment for azd."""
        return {**inherited_env(self._environ), **self.extra_env}

    def processes(self) -> list[int]:
        """pids of processes started for this session (azd and its children carry its AZD_CONFIG_DIR)."""
        marker = f"AZD_CONFIG_DIR={self.config_dir}".encode()
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if marker in (entry / "environ").read_bytes().split(b"\0"):
                        found.append(int(entry.name))
                except OSError:
                    continue
        return found

    def argv(self, *args: str) -> list[str]:
        return [str(self.azd.path), *args]

    def run(self, *args: str, cwd: Path | None = None, timeout: float = 600) -> Run:
        """Run one azd command to completion in the project (or `cwd`)."""
        started = time.monotonic()
        done = subprocess.run(
            self.argv(*args),
            cwd=cwd or self.project_dir,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            start_new_session=True,
        )
        return Run(tuple(args), done.returncode, done.stdout, done.stderr, round(time.monotonic() - started, 1))
