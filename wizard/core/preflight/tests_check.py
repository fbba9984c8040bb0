"""Project tests (opt-in, --with-tests): the project's venv, its Python version, pytest streamed."""

from __future__ import annotations

import re
from pathlib import Path

from wizard.core.preflight.common import (
    fmt_version,
    project_venv_python,
    rel,
    requires_python,
    run_tool,
    version_tuple,
)
from wizard.core.preflight.model import FAIL, PASS, SKIP, WARN, Outcome, PreflightContext
from wizard.core.preflight.toolbox import spec

TEST_TIMEOUT = 1800.0
IGNORED_TEST_DIRS = ("tests/load", "tests/evaluation")  # slow or needing live services (lessons learned)


def _testpaths(root: Path) -> list[str]:
    try:
        text = (root / "pyproject.toml").read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    match = re.search(r"testpaths\s*=\s*\[([^\]]*)\]", text)
    if match:
        return re.findall(r"""["']([^"']+)["']""", match.group(1))
    return ["tests"] if (root / "tests").is_dir() else []


def test_command(ctx: PreflightContext, python: str) -> list[str] | None:
    root = ctx.project.root
    paths = [p for p in _testpaths(root) if (root / p).exists()]
    if not paths:
        return None
    argv = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--rootdir={root}"]
    argv += [str(root / p) for p in paths]
    argv += [f"--ignore={root / d}" for d in IGNORED_TEST_DIRS if (root / d).is_dir()]
    return argv


def summarize(output: str) -> dict[str, int]:
    tail = "\n".join(output.splitlines()[-30:])
    counts = {}
    for word in ("passed", "failed", "error", "skipped"):
        found = re.findall(rf"(\d+) {word}", tail)
        counts[word] = int(found[-1]) if found else 0
    return counts


async def check_tests(ctx: PreflightContext) -> Outcome:
    if not ctx.with_tests:
        return Outcome(SKIP, "opt-in: run with --with-tests")
    root = ctx.project.root
    venv = project_venv_python(root)
    if venv is None:
        return Outcome(FAIL, "no project virtual environment (.venv or venv)",
                       "python3.11 -m venv .venv && .venv/bin/pip install -e '.[dev]'")
    minimum = requires_python(root) or spec("python").min_version or ()
    code, out = await run_tool(ctx, [str(venv), "--version"], 15)
    version = version_tuple(out, 2)
    if version is None:
        return Outcome(FAIL, f"{rel(ctx, venv)} does not run (exit {code})", "recreate the venv: python3.11 -m venv .venv")
    if version < minimum:
        return Outcome(FAIL, f"{rel(ctx, venv)} is Python {fmt_version(version)}; the tests need >= {fmt_version(minimum)}",
                       "recreate the venv with Python 3.11: python3.11 -m venv .venv")
    argv = test_command(ctx, str(venv))
    if argv is None:
        return Outcome(SKIP, "no tests folder found")
    shown = " ".join([rel(ctx, venv), *argv[1:]])
    ctx.say(f"$ {shown}")
    stream = getattr(ctx.tools, "stream", None)
    try:
        if stream is not None:
            code, out = await stream(argv, TEST_TIMEOUT, ctx.say, root)
        else:
            code, out = await run_tool(ctx, argv, TEST_TIMEOUT)
    except TimeoutError:
        return Outcome(FAIL, f"tests did not finish within {TEST_TIMEOUT:.0f}s", shown)
    counts = summarize(out)
    detail = f"{counts['passed']} passed, {counts['failed']} failed" + (f", {counts['error']} errors" if counts["error"] else "")
    if code == 5:
        return Outcome(WARN, "pytest collected no tests")
    if code != 0 or counts["failed"] or counts["error"]:
        last = [ln for ln in out.splitlines() if ln.strip()][-3:]
        return Outcome(FAIL, f"{detail} (exit {code}); " + " | ".join(last), f"run them yourself: {shown}")
    return Outcome(PASS, f"{detail} (Python {fmt_version(version)})")
