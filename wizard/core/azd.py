"""Typed azd client: builds argv lists and runs azd's JSON commands.

Rules from azd-behaviour.md: always `--no-prompt` (azd's prompts would block on closed stdin or
silently pick defaults); the child gets `AZD_SKIP_UPDATE_CHECK=true` (no update banner),
`NO_COLOR=1` (azd's own lines uncoloured; terraform colours pass through anyway and are stripped),
and an inherited `AZURE_ENV_NAME` is removed unless it is the chosen environment, because it is
the silent default for `-e`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wizard.core.runner import capture


class AzdError(Exception):
    """azd is missing or a JSON command failed; `str()` is shown to the user. (How its version
    stands against the tested releases: `version_note("azd", …)` of the toolbox.)"""


_VERSION_RE = re.compile(r"(\d+)\.(\d+)\.(\d+)")


def parse_version(text: str) -> tuple[int, int, int] | None:
    """`azd version 1.31.2 (commit …) (stable)` or `{"azd": {"version": "1.31.2"}}` → (1, 31, 2)."""
    try:
        data = json.loads(text)
        if isinstance(data, dict) and isinstance(data.get("azd"), dict):
            text = str(data["azd"].get("version", ""))
    except ValueError:
        pass
    match = _VERSION_RE.search(text)
    if match is None:
        return None
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


def format_version(version: Sequence[int]) -> str:
    return ".".join(str(v) for v in version)


@dataclass
class AzdClient:
    """One project directory, one (optional) environment."""

    command: list[str]
    project_dir: Path
    env_name: str | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    base_env: Mapping[str, str] | None = None

    # -- environment --------------------------------------------------------------------------
    def child_env(self) -> dict[str, str]:
        env = dict(self.base_env if self.base_env is not None else os.environ)
        inherited = env.get("AZURE_ENV_NAME")
        if inherited is not None and inherited != self.env_name:
            del env["AZURE_ENV_NAME"]
        env["AZD_SKIP_UPDATE_CHECK"] = "true"
        env["NO_COLOR"] = "1"
        env.update(self.extra_env)
        return env

    # -- argv builders ------------------------------------------------------------------------
    def argv(self, *args: str, env: bool = True, prompt: bool = False) -> list[str]:
        out = [*self.command, *args, "--cwd", str(self.project_dir)]
        if env and self.env_name:
            out += ["-e", self.env_name]
        if not prompt:
            out.append("--no-prompt")
        return out

    def provision_argv(self) -> list[str]:
        return self.argv("provision")

    def deploy_argv(self, service: str | None = None) -> list[str]:
        return self.argv("deploy", service) if service else self.argv("deploy", "--all")

    def up_argv(self) -> list[str]:
        return self.argv("up")

    def down_argv(self, *, purge: bool = True) -> list[str]:
        args = ["down", "--force"] + (["--purge"] if purge else [])
        return self.argv(*args)

    def hooks_run_argv(self, hook: str) -> list[str]:
        return self.argv("hooks", "run", hook)

    def display(self, argv: Sequence[str]) -> str:
        """The command as the user would type it (`azd provision -e dev --no-prompt`)."""
        rest = list(argv[len(self.command) :])
        if "--cwd" in rest:
            i = rest.index("--cwd")
            del rest[i : i + 2]
        return " ".join(["azd", *rest])

    # -- JSON / short commands ----------------------------------------------------------------
    async def _run(self, *args: str, env: bool = False, timeout: float = 60.0) -> tuple[int, str, str]:
        try:
            return await capture(
                self.argv(*args, env=env),
                env=self.child_env(),
                cwd=self.project_dir,
                timeout=timeout,
            )
        except FileNotFoundError as exc:
            raise AzdError(f"cannot run azd ({self.command[0]}): {exc.strerror}") from None
        except TimeoutError:
            raise AzdError(f"`azd {' '.join(args)}` did not answer within {timeout:.0f}s") from None

    async def version(self) -> tuple[int, int, int]:
        code, out, err = await self._run("version", "--output", "json", timeout=20)
        version = parse_version(out) or parse_version(err)
        if code != 0 or version is None:
            raise AzdError(f"`azd version` failed (exit {code}): {(err or out).strip()[:200]}")
        return version

    async def auth_status(self) -> dict[str, Any]:
        """Parsed `auth login --check-status -o json`: {"status": "success"|"unauthenticated", ...}.

        The human form can say "Logged in" with an expired token; JSON is the truth.
        """
        code, out, err = await self._run("auth", "login", "--check-status", "--output", "json")
        try:
            data = json.loads(out)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise AzdError(f"`azd auth login --check-status` gave no JSON (exit {code}): {(err or out).strip()[:200]}")
        return data

    async def env_list(self) -> list[dict[str, Any]]:
        code, out, err = await self._run("env", "list", "--output", "json")
        if code != 0:
            raise AzdError(_error_text(out, err, "azd env list"))
        data = json.loads(out or "[]")
        return data if isinstance(data, list) else []

    async def env_new(self, name: str, *, subscription: str | None, location: str | None) -> str:
        args = ["env", "new", name]
        if subscription:
            args += ["--subscription", subscription]
        if location:
            args += ["--location", location]
        code, out, err = await self._run(*args)
        if code != 0:
            raise AzdError(_error_text(out, err, f"azd env new {name}"))
        return out.strip()

    async def config_defaults(self) -> dict[str, str]:
        """`azd config get defaults`: {"subscription": …, "location": …}, or {} when unset."""
        code, out, _ = await self._run("config", "get", "defaults")
        if code != 0:
            return {}
        try:
            data = json.loads(out)
        except ValueError:
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    async def env_select(self, name: str) -> None:
        code, out, err = await self._run("env", "select", name)
        if code != 0:
            raise AzdError(_error_text(out, err, f"azd env select {name}"))

    async def env_get_values(self) -> dict[str, str]:
        code, out, err = await self._run("env", "get-values", "--output", "json", env=True)
        if code != 0:
            raise AzdError(_error_text(out, err, "azd env get-values"))
        data = json.loads(out or "{}")
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    async def env_set(self, key: str, value: str) -> None:
        code, out, err = await self._run("env", "set", key, value, env=True)
        if code != 0:
            raise AzdError(_error_text(out, err, f"azd env set {key}"))


def _error_text(out: str, err: str, what: str) -> str:
    text = "\n".join(x for x in (out.strip(), err.strip()) if x)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith(("ERROR:", "Error:"))]
    return f"{what} failed: " + ("; ".join(errors) if errors else (lines[-1] if lines else "no output"))
