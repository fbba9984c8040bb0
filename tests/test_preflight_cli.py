"""`deploy-wizard preflight` (run_preflight_command) and the simulator's tools."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.test_preflight import FakeAzd, FakeProviders, FakeTools, fake_ports, make_ctx
from tests.test_preflight_fixes import faulty_accelerator
from wizard.backends import azd_backend
from wizard.cli.preflight_command import run_preflight_command
from wizard.core.engine import RunOptions
from wizard.core.preflight import PreflightContext, run_preflight
from wizard.core.project import load_project


def _with_env(root: Path) -> Path:
    (root / ".azure/dev").mkdir(parents=True)
    (root / ".azure/config.json").write_text('{"version": 1, "defaultEnvironment": "dev"}')
    (root / ".azure/dev/.env").write_text('AZURE_ENV_NAME="dev"\n')
    return root


def _patch_context(monkeypatch: pytest.MonkeyPatch, ctx_factory) -> None:
    import wizard.core.flow as flow

    monkeypatch.setattr(flow, "preflight_context", lambda engine: ctx_factory())


async def test_json_report_and_fix_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _with_env(faulty_accelerator(tmp_path))
    providers = FakeProviders({"Microsoft.App": "NotRegistered"})

    def ctx() -> PreflightContext:
        return make_ctx(root, tools=FakeTools(missing=("terraform",)), azd=FakeAzd(status="unauthenticated"),
                        ports=fake_ports(providers))

    _patch_context(monkeypatch, ctx)
    out, err = io.StringIO(), io.StringIO()
    code = await run_preflight_command(RunOptions(project_dir=root), azd_backend(), fix=False, fix_all=False, json_out=True, out=out, err=err)
    data = json.loads(out.getvalue())
    assert code == 1 and data["ok"] is False
    fails = {c["id"] for c in data["checks"] if c["status"] == "fail"}
    assert fails == {"project.service_tags", "project.hook_scripts", "tools.terraform", "signin.azd", "subscription.providers"}
    assert all(c["fix"] for c in data["checks"] if c["status"] == "fail")

    out, err = io.StringIO(), io.StringIO()
    code = await run_preflight_command(RunOptions(project_dir=root), azd_backend(), fix=False, fix_all=True, json_out=True, out=out, err=err)
    data = json.loads(out.getvalue())
    statuses = {c["id"]: c["status"] for c in data["checks"]}
    assert code == 1
    assert statuses["project.hook_scripts"] == "fixed" and statuses["subscription.providers"] == "fixed"
    assert {k for k, v in statuses.items() if v == "fail"} == {"project.service_tags", "tools.terraform", "signin.azd"}
    assert "chmod +x devops/scripts/azd/postprovision.sh" in err.getvalue()  # shown before it ran
    assert {f["check"] for f in data["fixes"]} == {"project.hook_scripts", "subscription.providers"}


async def test_fix_asks_before_each(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _with_env(faulty_accelerator(tmp_path))
    providers = FakeProviders({"Microsoft.App": "NotRegistered"})
    _patch_context(monkeypatch, lambda: make_ctx(root, ports=fake_ports(providers)))
    asked: list[str] = []
    answers = iter(["n", "y"])  # hook scripts: no; providers: yes

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return next(answers)

    out, err = io.StringIO(), io.StringIO()
    code = await run_preflight_command(RunOptions(project_dir=root), azd_backend(), fix=True, fix_all=False, json_out=False, out=out, err=err, ask=ask)
    assert len(asked) == 2 and code == 1
    assert providers.registered == ["Microsoft.App"]
    assert b"\r\n" in (root / "devops/scripts/azd/preprovision.sh").read_bytes()  # declined: untouched
    table = out.getvalue()
    assert "subscription.providers" in table and "FIXED" in table and "FAIL" in table


async def test_healthy_exit_zero_and_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_preflight import copy_fixture

    root = _with_env(copy_fixture(tmp_path))
    _patch_context(monkeypatch, lambda: make_ctx(root))
    out, err = io.StringIO(), io.StringIO()
    code = await run_preflight_command(RunOptions(project_dir=root), azd_backend(), fix=False, fix_all=False, json_out=False, out=out, err=err)
    assert code == 0, out.getvalue()
    assert "0 failed" in out.getvalue()


async def test_bad_project_and_unknown_env(tmp_path: Path) -> None:
    err = io.StringIO()
    code = await run_preflight_command(RunOptions(project_dir=tmp_path), azd_backend(), fix=False, fix_all=False, json_out=True, out=io.StringIO(), err=err)
    assert code == 2 and "azure.yaml" in err.getvalue()
    from tests.test_preflight import copy_fixture

    root = copy_fixture(tmp_path)
    err = io.StringIO()
    code = await run_preflight_command(RunOptions(project_dir=root, env_name="nope"), azd_backend(), fix=False, fix_all=False,
                                       json_out=True, out=io.StringIO(), err=err)
    assert code == 2 and "does not exist" in err.getvalue()
    assert not (root / ".azure/nope").exists()


async def test_simulated_tools(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from tests.test_preflight import copy_fixture
    from wizard.simulator.local_tools import SIM_SUBSCRIPTION, SIM_TENANT, SimulatedTools

    monkeypatch.setenv("DEPLOY_WIZARD_SIM_SPEED", "0")
    monkeypatch.setenv("DEPLOY_WIZARD_SIM_SCENARIO", "happy")
    root = copy_fixture(tmp_path)
    tools = SimulatedTools()
    ctx = make_ctx(root, tools=tools)  # type: ignore[arg-type]
    results = {r.id: r for r in await run_preflight(ctx)}
    assert not [r for r in results.values() if r.status == "fail"], results
    assert results["tools.terraform"].detail == "terraform 1.9.5"
    assert results["signin.match"].status == "pass"
    code, out = await tools.run(["az", "account", "show", "-o", "json"], 5)
    assert json.loads(out)["id"] == SIM_SUBSCRIPTION and json.loads(out)["tenantId"] == SIM_TENANT

    monkeypatch.setenv("DEPLOY_WIZARD_SIM_SCENARIO", "not-logged-in")
    ctx = make_ctx(root, tools=SimulatedTools())  # type: ignore[arg-type]
    results = {r.id: r for r in await run_preflight(ctx, only={"signin.az"})}
    assert results["signin.az"].status == "fail"


async def test_real_tools_run_without_shell(tmp_path: Path) -> None:
    from wizard.core.preflight.realtools import RealTools

    tools = RealTools()
    code, out = await tools.run(["sh", "-c", "echo hi; echo err >&2; read x || echo eof"], 5)
    assert code == 0 and "hi" in out and "err" in out and "eof" in out  # stdin is closed
    code, _ = await tools.run(["definitely-not-a-tool-xyz"], 5)
    assert code == 127
    with pytest.raises(TimeoutError):
        await tools.run(["sleep", "5"], 0.2)


async def test_project_checks_pass_on_the_sample(tmp_path: Path) -> None:
    sample = Path(__file__).parents[1] / "wizard/simulator/sample"
    if not (sample / "azure.yaml").is_file():
        pytest.skip("sample project not present")
    ctx = make_ctx(sample, env=None, values={})
    ctx.project = load_project(sample)
    results = {r.id: r for r in await run_preflight(ctx, only={"project.azure_yaml", "project.service_tags", "project.hook_scripts"})}
    assert {r.status for r in results.values()} == {"pass"}, {k: r.detail for k, r in results.items()}
