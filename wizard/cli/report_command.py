"""`deploy-wizard report`: past runs of an environment, with the diagnosis of failed ones."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any

from wizard.core.durations import format_duration
from wizard.core.project import (
    ProjectError,
    list_environments,
    load_project,
    read_default_environment,
)
from wizard.core.records import list_runs, run_to_dict


def _duration(seconds: float | None) -> str:
    return "-" if seconds is None else format_duration(seconds, whole=True)


def run_report_command(
    folder: Path, *, env: str | None, last: bool, json_out: bool, out: IO[str] | None = None
) -> int:
    out = out or sys.stdout
    try:
        project = load_project(folder)
    except ProjectError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    envs = [env] if env else [e.name for e in list_environments(project.root)]
    if env and env not in {e.name for e in list_environments(project.root)}:
        print(f"error: environment {env!r} does not exist", file=sys.stderr)
        return 2
    default = read_default_environment(project.root)
    result: dict[str, list[dict[str, Any]]] = {}
    for name in envs:
        past = list_runs(project.root, name)
        result[name] = [run_to_dict(r) for r in (past[:1] if last else past)]
    if json_out:
        out.write(json.dumps({"project": project.name, "default": default, "environments": result}, indent=2) + "\n")
        return 0
    if not any(result.values()):
        out.write("no runs recorded yet (runs are kept under .azure/<env>/wizard/runs/)\n")
        return 0
    for name, runs in result.items():
        out.write(f"{name}{' (default)' if name == default else ''}\n")
        for run in runs:
            out.write(f"  {run['run_id']}  {run['status']:<11} {_duration(run['duration']):>7}")
            if run["failing_step"]:
                out.write(f"  at {run['failing_step']}")
            out.write("\n")
            failure = run["failure"]
            if failure:
                target = failure.get("target") or "no specific target"
                out.write(f"      {failure['step']} failed: {target}\n")
                if failure.get("code"):  # Azure's code and words, as the other front ends show them
                    said = f" — {failure['code_message']}" if failure.get("code_message") else ""
                    out.write(f"      code:  {failure['code']}{said[:300]}\n")
                out.write(f"      cause: {failure.get('cause')}\n")
                if failure.get("fix"):
                    out.write(f"      fix:   {failure['fix'].splitlines()[0]}\n")
            out.write(f"      log: {run['log']}\n")
    return 0
