"""`make bench`: performance figures as ratios against baselines measured in the same run.

Each figure is printed as `name: value` and written to bench-results.json with its target. The
machines are shared and noisy, so every figure is a median over a few rounds, and every ratio
compares two things measured back to back in this run, never against a stored number.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.tui_probe import TuiFlood

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
TARGETS = {
    "tui_stream_ratio": (">=", 0.5),
    "tui_max_stall_ms": ("<=", 100.0),
    "plain_stream_ratio": (">=", 0.7),
    "rss_growth_mb": ("<=", 60.0),
    "preflight_concurrency_ratio": ("<=", 1.25),
    "startup_ratio": ("<=", 1.5),
    "mask_line_ratio": ("<=", 0.25),
    "tui_lines_missing": ("<=", 0),  # lines raw.log holds that never reached the step's log
    "plain_lines_missing": ("<=", 0),
}

os.environ["DEPLOY_WIZARD_SIM_SPEED"] = "0"
os.environ.pop("AZURE_ENV_NAME", None)


# -- the flood child -------------------------------------------------------------------------------
def flood_project(base: Path) -> tuple[Path, list[str], dict[str, str]]:
    """A fresh sample with env `dev`; returns (project, provision argv, child env) for the flood."""
    from wizard.backends import simulator_command
    from wizard.core.azd import AzdClient
    from wizard.simulator.sample import copy_sample

    project = copy_sample(base / f"p{time.monotonic_ns()}")
    env = {**os.environ, "DEPLOY_WIZARD_SIM_SCENARIO": "flood", "DEPLOY_WIZARD_SIM_CLOUD": str(project / ".sim-cloud")}
    client = AzdClient(simulator_command(), project, "dev", base_env=env)
    subprocess.run(client.argv("env", "new", "dev", "--location", "eastus2", "--subscription", "00000000-0000-0000-0000-000000000000", env=False), env=client.child_env(), check=True, capture_output=True)
    for key, value in (("TF_INIT_SKIP_INTERACTIVE", "true"), ("PREFLIGHT_LIVE_CHECKS", "false"), ("EASYAUTH_ENABLED", "true")):
        subprocess.run(client.argv("env", "set", key, value), env=client.child_env(), check=True, capture_output=True)
    return project, client.provision_argv(), client.child_env()


async def bare_reader(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, int]:
    """The baseline: read the child's output as fast as possible, count lines, nothing else."""
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, stdin=asyncio.subprocess.DEVNULL, env=env, cwd=cwd
    )
    assert proc.stdout is not None
    lines = 0
    while chunk := await proc.stdout.read(1 << 16):
        lines += chunk.count(b"\n")
    await proc.wait()
    return time.perf_counter() - started, lines


def measure_bare(base: Path) -> tuple[float, int]:
    project, argv, env = flood_project(base)
    return asyncio.run(bare_reader(argv, env, project))


# -- plain -----------------------------------------------------------------------------------------
def measure_plain(base: Path) -> tuple[float, int]:
    """Engine streaming the flood's provision into the --plain renderer (verbose) writing a file."""
    from wizard.backends import BackendChoice, simulator_backend
    from wizard.cli.renderer import PlainRenderer
    from wizard.core.engine import Engine, RunOptions
    from wizard.core.events import LinesReceived
    from wizard.core.steps import StepId

    project, _, _ = flood_project(base)
    out = open(base / "plain-out.txt", "w", encoding="utf-8")
    renderer = PlainRenderer(out, verbose=True, github=False)
    count = 0

    def sink(event: Any) -> None:
        nonlocal count
        if isinstance(event, LinesReceived):
            count += len(event.texts)
        renderer(event)

    async def go() -> float:
        backend = simulator_backend(BackendChoice(simulate=True, scenario="flood", speed=0))
        engine = Engine(RunOptions(project_dir=project, env_name="dev"), sink, backend=backend)
        engine.use_environment("dev")
        started = time.perf_counter()
        await engine.stream(StepId.PROVISION, engine.azd.provision_argv())
        took = time.perf_counter() - started
        await engine.finish()
        return took

    took = asyncio.run(go())
    out.close()
    return took, count


# -- masking ---------------------------------------------------------------------------------------
# An environment like the accelerator's, with the values a redactor masks wherever they appear.
MASK_ENV = {
    "AZURE_OPENAI_API_KEY": "0f3a" * 8,
    "ACS_CONNECTION_STRING": "endpoint=https://acs-x.communication.azure.com/;accesskey=" + "Qk1" * 29 + "=",
    "EASYAUTH_CLIENT_SECRET": "abc8Q~" + "x1Y2z3" * 6,
    "AZURE_SPEECH_KEY": "9c" * 16,
    "REDIS_PASSWORD": "r3dis-pa55-" * 3,
    "AZURE_COSMOS_CONNECTION_STRING": "mongodb+srv://app:c0sm0s-pw-123@cosmos-x.mongocluster.cosmos.azure.com/",
    "AZURE_LOCATION": "eastus2",
}
# Lines that open gates: terraform creating Key Vault secrets, each line saying `key` and `secret`.
HOSTILE = "module.kv.azurerm_key_vault_secret.acs_connection_string[{i}]: Still creating... [{i}s elapsed] api token\n"


def flood_lines(base: Path) -> list[str]:
    """The flood child's output, as the runner hands it on (decoded lines)."""
    project, argv, env = flood_project(base)
    out = subprocess.run(argv, env=env, cwd=project, capture_output=True, check=False).stdout
    return out.decode("utf-8", errors="replace").splitlines()


def measure_masking(lines: list[str]) -> float:
    """Seconds to mask `lines` in the runner's 5 000-line batches, as the engine's stream does."""
    from wizard.core.redact import Redactor

    redactor = Redactor.from_env_values(MASK_ENV)
    batches = [lines[i : i + 5000] for i in range(0, len(lines), 5000)]
    started = time.perf_counter()
    for batch in batches:
        joined = "\n".join(batch)
        masked = redactor.mask(joined)
        if masked is not joined:
            masked.split("\n")
    return time.perf_counter() - started


# -- TUI -------------------------------------------------------------------------------------------
def measure_tui(base: Path) -> TuiFlood:
    """Flood through the runner into the TUI's log in a headless app; also the longest UI stall."""
    from bench.tui_probe import run_tui_flood

    project, _, _ = flood_project(base)
    return asyncio.run(run_tui_flood(project))


# -- memory ----------------------------------------------------------------------------------------
RSS_CHILD = r"""
import asyncio, sys, os, threading, time
from pathlib import Path
from wizard.backends import BackendChoice, simulator_backend
from wizard.core.engine import Engine, RunOptions
from wizard.core.steps import StepId
from wizard.cli.renderer import PlainRenderer

def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0

project = Path(sys.argv[1])
out = open(os.devnull, "w")
engine = Engine(RunOptions(project_dir=project, env_name="dev"), PlainRenderer(out, verbose=True), backend=simulator_backend(BackendChoice(simulate=True)))
engine.use_environment("dev")
argv = [sys.executable, "-c", "import sys\nw=sys.stdout.write\nfor i in range(1000000): w(f'module.app.azurerm_container_app.backend: Still creating... [{i}s elapsed] line {i}\\n')"]
baseline = rss_mb()
peak = baseline
done = False
def sample():
    global peak
    while not done:
        peak = max(peak, rss_mb())
        time.sleep(0.01)
sampler = threading.Thread(target=sample, daemon=True)
sampler.start()
asyncio.run(engine.stream(StepId.PROVISION, argv))
done = True
sampler.join()
print(peak - baseline)
"""


def measure_rss(base: Path) -> float:
    project, _, _ = flood_project(base)
    out = subprocess.run([sys.executable, "-c", RSS_CHILD, str(project)], capture_output=True, text=True, check=True, cwd=ROOT)
    return float(out.stdout.strip().splitlines()[-1])


# -- preflight -------------------------------------------------------------------------------------
def measure_preflight(base: Path) -> float:
    from bench.preflight_probe import preflight_ratio

    project, _, _ = flood_project(base)
    return asyncio.run(preflight_ratio(project))


# -- startup ---------------------------------------------------------------------------------------
def measure_startup(base: Path) -> float:
    """Process start to the first frame in a real pty: the wizard over a minimal Textual app, alternating."""
    from bench.startup_probe import minimal_seconds, wizard_seconds
    from wizard.simulator.sample import copy_sample

    project = copy_sample(base / "startup")
    wizard: list[float] = []
    minimal: list[float] = []
    for _ in range(ROUNDS + 2):
        wizard.append(wizard_seconds(project))
        minimal.append(minimal_seconds())
    return statistics.median(wizard) / statistics.median(minimal)


# -- main ------------------------------------------------------------------------------------------
def _median(fn: Callable[[], float]) -> float:
    return statistics.median(fn() for _ in range(ROUNDS))


def main() -> int:
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="wizard-bench-") as tmp:
        base = Path(tmp)
        bare_times: list[float] = []
        plain_times: list[float] = []
        tui_times: list[float] = []
        stalls: list[float] = []
        tui_missing: list[int] = []
        plain_missing: list[int] = []
        lines = 0
        for _ in range(ROUNDS):
            # back to back, so drift affects both sides of each ratio alike
            bare, lines = measure_bare(base)
            bare_times.append(bare)
            plain, plain_lines = measure_plain(base)
            plain_times.append(plain)
            tui = measure_tui(base)
            tui_times.append(tui.took)
            stalls.append(tui.stall_ms)
            # Figures with a target, not asserts: a missed one is reported, the bench goes on.
            tui_missing.append(tui.missing)
            plain_missing.append(max(0, lines - plain_lines))
        bare_rate = lines / statistics.median(bare_times)
        results["bare_lines_per_s"] = round(bare_rate)
        results["plain_stream_ratio"] = round((lines / statistics.median(plain_times)) / bare_rate, 3)
        results["tui_stream_ratio"] = round((lines / statistics.median(tui_times)) / bare_rate, 3)
        results["tui_max_stall_ms"] = round(max(stalls), 1)
        # masking's cost per line, over the bare reader's cost per line of the same flood
        flood = flood_lines(base)
        hostile = [HOSTILE.format(i=i) for i in range(len(flood))]
        mask_s = statistics.median(measure_masking(flood) for _ in range(ROUNDS))
        hostile_s = statistics.median(measure_masking(hostile) for _ in range(ROUNDS))
        bare_s_per_line = 1 / bare_rate
        results["mask_line_ratio"] = round(mask_s / len(flood) / bare_s_per_line, 3)
        results["mask_hostile_line_ratio"] = round(hostile_s / len(hostile) / bare_s_per_line, 3)
        results["mask_ns_per_line"] = round(mask_s / len(flood) * 1e9)
        results["mask_hostile_ns_per_line"] = round(hostile_s / len(hostile) * 1e9)
        results["tui_lines_missing"] = max(tui_missing)
        results["plain_lines_missing"] = max(plain_missing)
        results["rss_growth_mb"] = round(max(measure_rss(base) for _ in range(2)), 1)
        results["preflight_concurrency_ratio"] = round(_median(lambda: measure_preflight(base)), 3)
        results["startup_ratio"] = round(measure_startup(base), 3)
        results["flood_lines"] = lines
    verdicts = {}
    for name, value in results.items():
        target = TARGETS.get(name)
        verdict = ""
        if target:
            op, bound = target
            ok = value >= bound if op == ">=" else value <= bound
            verdicts[name] = {"value": value, "target": f"{op} {bound}", "ok": ok}
            verdict = f"   (target {op} {bound}: {'ok' if ok else 'MISSED'})"
        print(f"{name}: {value}{verdict}")
    Path(ROOT / "bench-results.json").write_text(json.dumps({"results": results, "targets": verdicts, "rounds": ROUNDS}, indent=2) + "\n")
    return 0 if all(v["ok"] for v in verdicts.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
