"""Reads what an azd project has on disk: azure.yaml, `.azure/config.json`, `.azure/<env>/.env`.

Everything here is read-only and tolerant of real-world files; every problem becomes a
`ProjectError` that names the file (and line, for YAML) so the user knows what to edit.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

AZURE_YAML_NAMES = ("azure.yaml", "azure.yml")
ENV_NAME_RE = re.compile(r"^[a-zA-Z0-9\-()_.]{1,64}$")


class ProjectError(Exception):
    """A project file is missing or malformed. `str()` is the message to show the user."""

    def __init__(self, message: str, path: Path | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line else f"{path}: "
        super().__init__(f"{where}{message}")
        self.message = message


@dataclass(frozen=True)
class Hook:
    name: str  # preprovision, postprovision, ...
    run: str
    shell: str = "sh"
    interactive: bool = False
    continue_on_error: bool = False
    service: str | None = None  # service-level hook

    @property
    def script(self) -> str | None:
        """The script file `run` names (first word), if it looks like a path rather than inline code."""
        first = self.run.strip().split()[0] if self.run.strip() else ""
        if not first or "\n" in self.run.strip():
            return None
        if first.endswith((".sh", ".ps1", ".py", ".bash")) or "/" in first:
            return first
        return None

    @property
    def scripts(self) -> list[str]:
        """Every script file the `run` text starts a command with (`./a.sh; ./b.sh` → both)."""
        text = self.run.strip()
        if not text:
            return []
        found: list[str] = []
        for command in re.split(r"\s*(?:;|&&|\|\||\n)\s*", text):
            first = command.split()[0] if command.split() else ""
            first = first.strip("'\"")
            looks_like_path = first.endswith((".sh", ".ps1", ".py", ".bash")) or first.startswith(("./", "../", "/"))
            if first and looks_like_path and "$" not in first and first not in found:
                found.append(first)
        return found

    @property
    def chained(self) -> bool:
        """`run` holds several commands: its scripts are started by the shell, not by azd."""
        return len(re.split(r"\s*(?:;|&&|\|\||\n)\s*", self.run.strip().rstrip(";"))) > 1

    @property
    def target(self) -> str:
        return f"hook:{self.name}" if not self.service else f"hook:{self.service}/{self.name}"


@dataclass(frozen=True)
class Service:
    name: str
    project: str = "."
    language: str = ""
    host: str = ""
    docker_path: str | None = None
    docker_context: str | None = None
    remote_build: bool = False
    resource_name: str | None = None
    condition: str | None = None  # azure.yaml `condition:` (`${VAR}`): deployed only when true

    def enabled(self, env_values: dict[str, str]) -> bool:
        """azure.yaml `condition: ${VAR}`: azd deploys the service only when it is true (1, t, true)."""
        if self.condition is None:
            return True
        value = re.sub(r"\$\{([A-Za-z_]\w*)\}", lambda m: env_values.get(m.group(1), ""), self.condition)
        return value.strip().lower() in ("1", "t", "true")

    @property
    def needs_local_docker(self) -> bool:
        """azd builds images locally unless `docker.remoteBuild` is set (or the host builds none)."""
        return self.host in ("containerapp", "aks") and not self.remote_build

    @property
    def found_by_tag(self) -> bool:
        """azd finds these hosts by the `azd-service-name` tag unless `resourceName` is set.

        AKS is not among them: azd finds the cluster from AZD_AKS_CLUSTER / resourceName first.
        """
        return self.resource_name is None and self.host in (
            "containerapp",
            "appservice",
            "function",
            "staticwebapp",
            "containerapp-job",
        )


@dataclass(frozen=True)
class Infra:
    provider: str = "bicep"
    path: str = "infra"
    module: str = "main"


@dataclass(frozen=True)
class Project:
    root: Path
    azure_yaml: Path
    name: str
    services: tuple[Service, ...]
    infra: Infra
    hooks: tuple[Hook, ...]
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def infra_dir(self) -> Path:
        return (self.root / self.infra.path).resolve()

    @property
    def azure_dir(self) -> Path:
        return self.root / ".azure"

    def service(self, name: str) -> Service | None:
        return next((s for s in self.services if s.name == name), None)

    def hook(self, name: str) -> Hook | None:
        return next((h for h in self.hooks if h.name == name and h.service is None), None)

    def hook_script_path(self, hook: Hook) -> Path | None:
        paths = self.hook_script_paths(hook)
        return paths[0] if paths else None

    def hook_script_paths(self, hook: Hook) -> list[Path]:
        """The scripts a hook runs, resolved where azd runs it: a service hook in the service's folder."""
        base = self.root
        if hook.service and (svc := self.service(hook.service)) is not None:
            base = self.root / svc.project
        return [(base / PurePosixPath(s.replace("\\", "/"))).resolve() for s in hook.scripts]

    # -- .azure ----------------------------------------------------------------------------
    def environments(self) -> list[EnvInfo]:
        return list_environments(self.root)

    def default_environment(self) -> str | None:
        return read_default_environment(self.root)

    def env_values(self, env: str) -> dict[str, str]:
        return read_env_values(self.root, env)


@dataclass(frozen=True)
class EnvInfo:
    name: str
    is_default: bool
    dotenv_path: Path
    values: dict[str, str]

    @property
    def location(self) -> str | None:
        return self.values.get("AZURE_LOCATION")

    @property
    def subscription(self) -> str | None:
        return self.values.get("AZURE_SUBSCRIPTION_ID")

    @property
    def provisioned(self) -> bool:
        return bool(self.values.get("AZURE_RESOURCE_GROUP"))

    @property
    def deployed(self) -> bool:
        return any(k.startswith("SERVICE_") and k.endswith("_IMAGE_NAME") for k in self.values)


def find_project_root(start: Path) -> Path | None:
    """Nearest ancestor holding azure.yaml/azure.yml, as azd resolves it."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if any((folder / n).is_file() for n in AZURE_YAML_NAMES):
            return folder
    return None


def load_project(start: Path) -> Project:
    root = find_project_root(start)
    if root is None:
        raise ProjectError(
            "no azure.yaml found here or in any parent folder; run the wizard inside an azd "
            "project, pass -C DIR, or try `deploy-wizard demo`",
            path=start.resolve(),
        )
    path = next(root / n for n in AZURE_YAML_NAMES if (root / n).is_file())
    return parse_azure_yaml(path)


def parse_azure_yaml(path: Path) -> Project:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ProjectError(f"not valid UTF-8 ({exc.reason} at byte {exc.start})", path) from None
    except OSError as exc:
        raise ProjectError(f"cannot read: {exc.strerror}", path) from None
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise ProjectError(f"invalid YAML: {problem}", path, line) from None
    except yaml.YAMLError as exc:
        raise ProjectError(f"invalid YAML: {exc}", path) from None
    if data is None:
        raise ProjectError("the file is empty; azd needs at least `name:`", path)
    if not isinstance(data, dict):
        raise ProjectError("the top level must be a mapping (name:, services:, ...)", path, 1)
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ProjectError("`name:` is missing; azd requires a project name", path, _line_of(text, "name"))
    services = _parse_services(data.get("services"), path, text)
    infra = _parse_infra(data.get("infra"), path, text)
    hooks = _parse_hooks(data.get("hooks"), path, text, service=None)
    for svc_name, svc in (data.get("services") or {}).items():
        if isinstance(svc, dict) and svc.get("hooks"):
            hooks += _parse_hooks(svc.get("hooks"), path, text, service=str(svc_name))
    return Project(
        root=path.parent.resolve(),
        azure_yaml=path.resolve(),
        name=name.strip(),
        services=services,
        infra=infra,
        hooks=hooks,
        raw=data,
    )


def _line_of(text: str, key: str) -> int | None:
    match = re.search(rf"^\s*{re.escape(key)}\s*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _parse_services(raw: Any, path: Path, text: str) -> tuple[Service, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise ProjectError("`services:` must be a mapping of service names", path, _line_of(text, "services"))
    services = []
    for name, spec in raw.items():
        if not isinstance(spec, dict):
            raise ProjectError(f"service {name!r} must be a mapping (project:, host:, ...)", path, _line_of(text, str(name)))
        docker: dict[str, Any] = spec["docker"] if isinstance(spec.get("docker"), dict) else {}
        services.append(
            Service(
                name=str(name),
                project=str(spec.get("project", ".")),
                language=str(spec.get("language", "") or ""),
                host=str(spec.get("host", "") or ""),
                docker_path=docker.get("path"),
                docker_context=docker.get("context"),
                remote_build=bool(docker.get("remoteBuild", False)),
                resource_name=spec.get("resourceName"),
                condition=None if spec.get("condition") is None else str(spec.get("condition")),
            )
        )
    return tuple(services)


def _parse_infra(raw: Any, path: Path, text: str) -> Infra:
    if raw is None:
        return Infra()
    if not isinstance(raw, dict):
        raise ProjectError("`infra:` must be a mapping (provider:, path:)", path, _line_of(text, "infra"))
    provider = str(raw.get("provider", "bicep") or "bicep")
    return Infra(
        provider=provider,
        path=str(raw.get("path", "infra") or "infra"),
        module=str(raw.get("module", "main") or "main"),
    )


def _parse_hooks(raw: Any, path: Path, text: str, service: str | None) -> tuple[Hook, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise ProjectError("`hooks:` must be a mapping of hook names", path, _line_of(text, "hooks"))
    hooks = []
    for name, spec in raw.items():
        # azd accepts a hook or an os-specific pair {posix:, windows:}; the wizard runs posix.
        if isinstance(spec, dict) and "posix" in spec and isinstance(spec["posix"], dict):
            spec = spec["posix"]
        if isinstance(spec, list):
            spec = spec[0] if spec and isinstance(spec[0], dict) else {}
        if not isinstance(spec, dict) or not isinstance(spec.get("run"), str):
            raise ProjectError(f"hook {name!r} needs a `run:` command", path, _line_of(text, str(name)))
        hooks.append(
            Hook(
                name=str(name),
                run=spec["run"],
                shell=str(spec.get("shell", "sh")),
                interactive=bool(spec.get("interactive", False)),
                continue_on_error=bool(spec.get("continueOnError", False)),
                service=service,
            )
        )
    return tuple(hooks)


# -- .azure/ ------------------------------------------------------------------------------------


def read_default_environment(root: Path) -> str | None:
    path = root / ".azure" / "config.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = data.get("defaultEnvironment") if isinstance(data, dict) else None
    return value if isinstance(value, str) and value else None


def list_environments(root: Path) -> list[EnvInfo]:
    azure = root / ".azure"
    if not azure.is_dir():
        return []
    default = read_default_environment(root)
    envs = []
    for child in sorted(azure.iterdir(), key=lambda p: p.name):
        if child.is_dir() and ENV_NAME_RE.match(child.name):
            envs.append(
                EnvInfo(
                    name=child.name,
                    is_default=child.name == default,
                    dotenv_path=child / ".env",
                    values=read_env_values(root, child.name),
                )
            )
    return envs


def read_env_values(root: Path, env: str) -> dict[str, str]:
    path = root / ".azure" / env / ".env"
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    return parse_dotenv(text)


_ESCAPES = {"n": "\n", "r": "\r", '"': '"', "\\": "\\", "!": "!", "$": "$", "`": "`"}


def parse_dotenv(text: str) -> dict[str, str]:
    """Parse azd's godotenv output: `KEY="value"` with backslash escapes, bare numbers, comments."""
    values: dict[str, str] = {}
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[7:].lstrip()
        key, sep, rest = line.partition("=")
        if not sep:
            continue
        key = key.strip()
        rest = rest.strip()
        if rest.startswith('"'):
            out, i = [], 1
            while i < len(rest):
                ch = rest[i]
                if ch == "\\" and i + 1 < len(rest):
                    out.append(_ESCAPES.get(rest[i + 1], "\\" + rest[i + 1]))
                    i += 2
                    continue
                if ch == '"':
                    break
                out.append(ch)
                i += 1
            values[key] = "".join(out)
        elif rest.startswith("'"):
            values[key] = rest[1:].split("'", 1)[0]
        else:
            values[key] = rest.split(" #", 1)[0].strip()
    return values


def format_dotenv(values: dict[str, str]) -> str:
    """Write values the way azd does: sorted, `KEY="value"`, pure integers unquoted."""
    lines = []
    for key in sorted(values):
        value = values[key]
        if re.fullmatch(r"-?[0-9]+", value) and str(int(value)) == value:
            lines.append(f"{key}={value}")
            continue
        escaped = "".join("\\" + ch if ch in '\\"!$`' else {"\n": "\\n", "\r": "\\r"}.get(ch, ch) for ch in value)
        lines.append(f'{key}="{escaped}"')
    return "\n".join(lines) + "\n"


def validate_env_name(name: str) -> str | None:
    """None when valid; else a specific message (azd's own message is misleading)."""
    if not name:
        return "enter a name (1-64 characters)"
    if len(name) > 64:
        return f"too long: {len(name)} characters, azd allows at most 64"
    bad = sorted({ch for ch in name if not re.match(r"[a-zA-Z0-9\-()_.]", ch)})
    if bad:
        shown = " ".join(repr(ch) for ch in bad)
        return f"not allowed: {shown}; use letters, digits, '-', '_', '.', '(' or ')'"
    return None
