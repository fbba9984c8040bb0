"""What the sandbox's shims run (`python -m wizard.simulator.shim NAME ARGS...`; see sandbox.py).

`azd` is the simulator, pointed at the real project (its `.azure/` is the simulation's to change);
`az` answers as the simulated Azure CLI; any other name is logged and not run.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import sys

from wizard.simulator.sandbox import LOG_ENV, ROOT_ENV


def _log(name: str, args: list[str]) -> None:
    path = os.environ.get(LOG_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(shlex.join([name, *args]) + "\n")


def main(argv: list[str]) -> int:
    name, args = argv[0], argv[1:]
    if name == "azd":
        from wizard.simulator.azd import main as azd_main

        root = os.environ.get(ROOT_ENV)
        if root and not {"-C", "--cwd"} & set(args):
            args = [*args, "--cwd", root]
        return azd_main(args)
    _log(name, args)
    if name == "az":
        from wizard.simulator.local_tools import SimulatedTools

        code, out = asyncio.run(SimulatedTools(speed=0).run(["az", *args], timeout=60))
        sys.stdout.write(out if out.endswith("\n") or not out else out + "\n")
        return code
    sys.stderr.write(f"[simulated] {shlex.join([name, *args])}: not run in a simulation\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
