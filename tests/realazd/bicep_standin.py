"""A stand-in for the bicep CLI (stdlib only; azd runs it through `AZD_BICEP_TOOL_PATH`).

azd downloads bicep on first use, which cannot happen offline, and the cassette holds what the
real bicep compiled: the template inside the recorded ARM deployment request. Given a data file
(written by session.py) this answers the three things azd asks of bicep:

* `--version`: `Bicep CLI version <the version azd pins> (deploy-wizard replay stand-in)`;
* `build <file.bicep> --stdout`: the recorded template for that file name;
* `snapshot <file.bicepparam> ...`: `<file>.snapshot.json` listing the template's resources
  (type, name, apiVersion, walked into nested deployments) as `predictedResources`; azd reads only
  the types (a role assignment there makes it run its role-assignment pre-check, as it did when
  the cassette was recorded with the real bicep).

Usage: `bicep_standin.py DATA.json ARGS...`. Every call is appended to the data's `log` file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def _resources(template: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    declared = template.get("resources") or []
    for resource in declared.values() if isinstance(declared, dict) else declared:
        found.append({key: resource[key] for key in ("type", "name", "apiVersion", "location") if key in resource})
        nested = (resource.get("properties") or {}).get("template")
        if resource.get("type") == "Microsoft.Resources/deployments" and isinstance(nested, dict):
            found.extend(_resources(nested))
    return found


def run(data: dict[str, Any], args: list[str]) -> int:
    if args[:1] in (["--version"], ["-v"], ["version"]):
        print(f"Bicep CLI version {data['version']} (deploy-wizard replay stand-in)")
        return 0
    if len(args) >= 2 and args[0] == "build":
        template = data["templates"].get(Path(args[1]).name)
        if template is None:
            print(f"replay bicep: no recorded template for {args[1]}", file=sys.stderr)
            return 1
        print(json.dumps(template, indent=2))
        return 0
    if len(args) >= 2 and args[0] == "snapshot":
        source = Path(args[1])
        templates = list(data["templates"].values())
        resources = _resources(templates[0]) if templates else []
        snapshot = {"predictedResources": resources, "diagnostics": []}
        source.with_suffix(".snapshot.json").write_text(json.dumps(snapshot, indent=2), encoding="utf-8")
        return 0
    print(f"replay bicep: unsupported command {' '.join(args)!r}", file=sys.stderr)
    return 1


def main(argv: list[str]) -> int:
    data = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    with open(data["log"], "a", encoding="utf-8") as log:
        log.write(json.dumps(argv[1:]) + "\n")
    return run(data, argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
