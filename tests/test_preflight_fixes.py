"""Preflight fixes: each changes what its plan says and nothing else; the issue's "done when"."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from tests.test_preflight import (
    HEALTHY_ENV,
    SUB,
    FakeAzd,
    FakeProviders,
    FakeTools,
    copy_fixture,
    fake_ports,
    make_ctx,
    results_of,
)
from wizard.core.engine import Engine, RunOptions
from wizard.core.events import Event, LinesReceived
from wizard.core.preflight import (
    CheckResult,
    FixPlan,
    InputSpec,
    PreflightContext,
    Skip,
    apply_fix,
    decide,
    plan_fix,
    run_preflight,
    unattended_fixes,
)
from wizard.core.project import load_project
from wizard.core.steps import StepId


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(root)): (p.read_bytes(), stat.S_IMODE(p.stat().st_mode))
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def changed(before: dict[str, tuple[bytes, int]], after: dict[str, tuple[bytes, int]]) -> set[str]:
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


@pytest.fixture
def accel(tmp_path: Path) -> Path:
    return copy_fixture(tmp_path)


async def test_crlf_and_run_bit_fix_changes_only_those(accel: Path) -> None:
    pre = accel / "devops/scripts/azd/preprovision.sh"
    post = accel / "devops/scripts/azd/postprovision.sh"
    original = pre.read_bytes()
    pre.write_bytes(original.replace(b"\n", b"\r\n"))
    post.chmod(0o644)
    ctx = make_ctx(accel)
    result = (await results_of(ctx, "project.hook_scripts"))["project.hook_scripts"]
    plan = plan_fix(ctx, result)
    assert plan is not None and plan.safe and not plan.paid and not plan.needs_input
    assert plan.actions == [
        "convert CRLF line endings to LF in devops/scripts/azd/preprovision.sh",
        "chmod +x devops/scripts/azd/postprovision.sh",
    ]
    before = snapshot(accel)
    fixed = await apply_fix(ctx, plan, {})
    after = snapshot(accel)
    assert fixed.status == "fixed", fixed.detail
    assert changed(before, after) == {"devops/scripts/azd/preprovision.sh", "devops/scripts/azd/postprovision.sh"}
    assert pre.read_bytes() == original  # only the line endings changed back
    assert after["devops/scripts/azd/preprovision.sh"][1] == before["devops/scripts/azd/preprovision.sh"][1]
    assert after["devops/scripts/azd/postprovision.sh"][0] == before["devops/scripts/azd/postprovision.sh"][0]
    assert after["devops/scripts/azd/postprovision.sh"][1] == 0o755


async def test_missing_shebang_has_no_automatic_fix(accel: Path) -> None:
    post = accel / "devops/scripts/azd/postprovision.sh"
    post.write_text(post.read_text().split("\n", 1)[1])
    ctx = make_ctx(accel)
    result = (await results_of(ctx, "project.hook_scripts"))["project.hook_scripts"]
    assert result.status == "fail" and plan_fix(ctx, result) is None and "#!/usr/bin/env bash" in result.fix


async def test_unattended_fix_with_defaults(accel: Path) -> None:
    values = {k: v for k, v in HEALTHY_ENV.items()
              if k not in ("TF_INIT_SKIP_INTERACTIVE", "EASYAUTH_ENABLED", "ACS_SOURCE_PHONE_NUMBER", "PREFLIGHT_LIVE_CHECKS")}
    azd = FakeAzd()
    ctx = make_ctx(accel, values=values, azd=azd)
    result = (await results_of(ctx, "hooks.unattended"))["hooks.unattended"]
    assert result.status == "fail"
    plan = plan_fix(ctx, result)
    assert plan is not None and plan.safe and not plan.paid
    assert [s.key for s in plan.needs_input] == ["STATE_MODE", "PREFLIGHT_LIVE_CHECKS"]
    assert all(s.default for s in plan.needs_input)
    assert plan.actions[0].startswith("azd env set TF_INIT_SKIP_INTERACTIVE true")
    before = snapshot(accel)
    defaults = {s.key: s.default or "" for s in plan.needs_input}
    fixed = await apply_fix(ctx, plan, defaults)
    assert fixed.status == "fixed", fixed.detail
    assert azd.set_calls == [
        ("TF_INIT_SKIP_INTERACTIVE", "true"),
        ("PREFLIGHT_LIVE_CHECKS", "false"),
    ]  # nothing for the timed menus (EasyAuth, phone), and no key that no hook reads
    assert changed(before, snapshot(accel)) == set()  # only through azd env set


async def test_unattended_fix_with_answers(accel: Path) -> None:
    values = {k: v for k, v in HEALTHY_ENV.items() if k not in ("TF_INIT_SKIP_INTERACTIVE", "ACS_SOURCE_PHONE_NUMBER")}
    azd = FakeAzd()
    ctx = make_ctx(accel, values=values, azd=azd)
    result = (await results_of(ctx, "hooks.unattended"))["hooks.unattended"]
    plan = plan_fix(ctx, result)
    assert plan is not None
    bad = await apply_fix(ctx, plan, {"STATE_MODE": "sideways"})
    assert bad.status == "fail" and "remote or local" in bad.detail and azd.set_calls == []
    ok = await apply_fix(ctx, plan, {"STATE_MODE": "local"})
    assert ok.status == "fixed"
    assert azd.set_calls == [("LOCAL_STATE", "true")]


async def test_provider_fix_registers_only_the_missing_and_waits(accel: Path) -> None:
    providers = FakeProviders({"Microsoft.App": "NotRegistered"}, settle_after=2)
    progress: list[str] = []
    ctx = make_ctx(accel, ports=fake_ports(providers))
    ctx.progress = progress.append
    result = (await results_of(ctx, "subscription.providers"))["subscription.providers"]
    plan = plan_fix(ctx, result)
    assert plan is not None and plan.safe and not plan.paid
    assert plan.actions[0] == f"register Microsoft.App on subscription {SUB}  (= az provider register --namespace Microsoft.App)"
    fixed = await apply_fix(ctx, plan, {})
    assert fixed.status == "fixed", fixed.detail
    assert providers.registered == ["Microsoft.App"]
    assert any("Microsoft.App: Registering" in line for line in progress)
    assert any("Microsoft.App: Registered" in line for line in progress)


async def test_provider_fix_times_out(accel: Path) -> None:
    providers = FakeProviders({"Microsoft.App": "NotRegistered"}, settle_after=10_000)
    ctx = make_ctx(accel, ports=fake_ports(providers))
    ctx.wait_timeout = 0.05
    result = (await results_of(ctx, "subscription.providers"))["subscription.providers"]
    plan = plan_fix(ctx, result)
    assert plan is not None
    fixed = await apply_fix(ctx, plan, {})
    assert fixed.status == "warn" and "still registering" in fixed.detail


async def test_az_subscription_fix_is_not_safe(accel: Path) -> None:
    other = json.dumps({"id": "22222222-0000-0000-0000-000000000000", "tenantId": HEALTHY_ENV["AZURE_TENANT_ID"]})
    tools = FakeTools(answers={"az account show": (0, other)})
    ctx = make_ctx(accel, tools=tools)
    result = (await results_of(ctx, "signin.match"))["signin.match"]
    plan = plan_fix(ctx, result)
    assert plan is not None and not plan.safe and plan.actions == [f"az account set --subscription {SUB}"]
    await apply_fix(ctx, plan, {})
    assert ["az", "account", "set", "--subscription", SUB] in tools.calls


async def test_instructions_only_checks_have_no_plan(accel: Path) -> None:
    tf = accel / "infra/terraform/containers.tf"
    tf.write_text(tf.read_text().replace('"azd-service-name" = "rtaudio-server"', '"x" = "y"'))
    ctx = make_ctx(accel, tools=FakeTools(missing=("terraform",)), azd=FakeAzd(status="unauthenticated"))
    results = await results_of(ctx, "project.service_tags", "tools.terraform", "signin.azd")
    for result in results.values():
        assert result.status == "fail"
        assert plan_fix(ctx, result) is None
        assert result.fix


def faulty_accelerator(tmp_path: Path) -> Path:
    """The issue's fault list: a service missing its tag, a hook with CRLF, a hook without its run bit."""
    root = copy_fixture(tmp_path)
    tf = root / "infra/terraform/containers.tf"
    tf.write_text(tf.read_text().replace('"azd-service-name" = "rtaudio-server"', '"component" = "backend"'))
    pre = root / "devops/scripts/azd/preprovision.sh"
    pre.write_bytes(pre.read_bytes().replace(b"\n", b"\r\n"))
    (root / "devops/scripts/azd/postprovision.sh").chmod(0o644)
    return root


async def test_done_when_faulty_checkout_then_fix_all(tmp_path: Path) -> None:
    root = faulty_accelerator(tmp_path)
    providers = FakeProviders({"Microsoft.App": "NotRegistered"})
    ctx = make_ctx(root, tools=FakeTools(missing=("terraform",)), azd=FakeAzd(status="unauthenticated"),
                   ports=fake_ports(providers))
    results = {r.id: r for r in await run_preflight(ctx)}
    expected_fail = {"project.service_tags", "project.hook_scripts", "tools.terraform", "signin.azd", "subscription.providers"}
    assert {k for k, r in results.items() if r.status == "fail"} == expected_fail
    for check_id in expected_fail:
        assert results[check_id].fix, check_id
    # --fix-all: what the unattended-fix policy applies (failed checks' safe, free plans, default answers)
    for decision in unattended_fixes(ctx, list(results.values())):
        if decision.apply and decision.plan is not None:
            results[decision.check_id] = await apply_fix(ctx, decision.plan, decision.answers)
    assert results["project.hook_scripts"].status == "fixed"
    assert results["subscription.providers"].status == "fixed"
    assert {k for k, r in results.items() if r.status == "fail"} == {"project.service_tags", "tools.terraform", "signin.azd"}
    assert "containers.tf" in results["project.service_tags"].fix
    # and a fresh run agrees
    ctx2 = make_ctx(root, tools=FakeTools(missing=("terraform",)), azd=FakeAzd(status="unauthenticated"),
                    ports=fake_ports(providers))
    again = {r.id: r.status for r in await run_preflight(ctx2)}
    assert again["project.hook_scripts"] == "pass" and again["subscription.providers"] == "pass"


# -- the unattended-fix policy: one rule for run --yes, preflight --fix-all and the TUI's Fix all --
def _plan(check_id: str = "x", **kw: Any) -> FixPlan:
    return FixPlan(check_id, "do it", ["step"], **kw)


def _result(status: str = "fail", check_id: str = "x") -> CheckResult:
    return CheckResult(check_id, "X", status, "detail", "the manual fix")


def test_policy_decides_each_reason() -> None:
    with_defaults = _plan(needs_input=[InputSpec("A", "a?", "1"), InputSpec("B", "b?", "two")])
    applied = decide(_result(), with_defaults)
    assert applied.apply and applied.answers == {"A": "1", "B": "two"} and applied.lines()[0] == "fix x: do it"
    assert decide(_result(), _plan()).answers == {}
    cases = {
        Skip.NOT_FAILING: decide(_result("warn"), _plan()),
        Skip.NO_FIX: decide(_result(), None),
        Skip.PAID: decide(_result(), _plan(paid=True, safe=True)),
        Skip.UNSAFE: decide(_result(), _plan(safe=False)),
        Skip.NEEDS_INPUT: decide(_result(), _plan(needs_input=[InputSpec("A", "a?", "1"), InputSpec("B", "b?")])),
    }
    for reason, decision in cases.items():
        assert decision.skip is reason and not decision.apply and decision.why, reason
    assert decide(_result(), _plan(paid=True, safe=False)).skip is Skip.PAID  # paid is said first
    assert cases[Skip.NEEDS_INPUT].missing == ("B",) and "B" in cases[Skip.NEEDS_INPUT].why
    assert "the manual fix" in cases[Skip.NO_FIX].why and not cases[Skip.NO_FIX].askable
    assert cases[Skip.NOT_FAILING].askable and cases[Skip.UNSAFE].askable
    assert decide(_result("pass"), None).quiet and decide(_result("pass"), None).lines() == []


class World:
    """One faulty project with its fakes, the same for every front end: CRLF and a lost run bit
    (safe fix), unanswered hook prompts (safe, answers = defaults), a service tag and terraform
    missing (no fix), az on another subscription (unsafe fix), a provider still registering
    (warn, with a fix)."""

    def __init__(self, tmp_path: Path) -> None:
        self.root = faulty_accelerator(tmp_path)
        other = json.dumps({"id": "22222222-0000-0000-0000-000000000000", "tenantId": HEALTHY_ENV["AZURE_TENANT_ID"]})
        self.tools = FakeTools(missing=("terraform",), answers={"az account show": (0, other)})
        self.providers = FakeProviders({"Microsoft.Cache": "Registering"})
        self.azd = FakeAzd()
        self.values = {k: v for k, v in HEALTHY_ENV.items() if k != "TF_INIT_SKIP_INTERACTIVE"}

    def ctx(self) -> PreflightContext:
        return make_ctx(self.root, values=self.values, tools=self.tools, azd=self.azd, ports=fake_ports(self.providers))


@pytest.fixture
def spied(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, str]]]:
    """Every fix a front end applies, with its answers (the front ends import apply_fix when they run)."""
    import wizard.core.preflight as preflight

    calls: list[tuple[str, dict[str, str]]] = []
    real = preflight.apply_fix

    async def spy(ctx: PreflightContext, plan: FixPlan, answers: dict[str, str] | None = None) -> CheckResult:
        calls.append((plan.check_id, dict(answers or {})))
        return await real(ctx, plan, answers)

    monkeypatch.setattr(preflight, "apply_fix", spy)
    return calls


def _engine(world: World, lines: list[str]) -> Engine:
    from wizard.backends import azd_backend

    def sink(event: Event) -> None:
        if isinstance(event, LinesReceived):
            lines.extend(event.texts)

    return Engine(RunOptions(project_dir=world.root, yes=True), sink, backend=azd_backend(), project=load_project(world.root))


async def test_run_yes_fix_all_and_tui_fix_all_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     spied: list[tuple[str, dict[str, str]]]) -> None:
    import io

    import wizard.core.flow as flow
    from wizard.backends import azd_backend
    from wizard.cli.preflight_command import run_preflight_command
    from wizard.tui.fixes import fix_checks

    # the core's decisions on a fresh copy
    world = World(tmp_path / "core")
    ctx = world.ctx()
    decisions = list(unattended_fixes(ctx, await run_preflight(ctx)))
    expected = [(d.check_id, d.answers) for d in decisions if d.apply]
    skipped = {d.check_id: d.skip for d in decisions if not d.apply and not d.quiet}
    assert expected == [("project.hook_scripts", {}), ("hooks.unattended", {"STATE_MODE": "remote"})]
    assert skipped == {"tools.terraform": Skip.NO_FIX, "project.service_tags": Skip.NO_FIX,
                       "signin.match": Skip.UNSAFE, "subscription.providers": Skip.NOT_FAILING}
    whys = {d.check_id: d.why for d in decisions if d.askable}

    def run_on(name: str) -> World:
        fresh = World(tmp_path / name)
        monkeypatch.setattr(flow, "preflight_context", lambda engine: fresh.ctx())
        spied.clear()
        return fresh

    # deploy-wizard run --yes: the preflight step
    fresh = run_on("run-yes")
    lines: list[str] = []
    engine = _engine(fresh, lines)
    finished = await engine.run_step(StepId.PREFLIGHT)
    await engine.finish()
    assert spied == expected, "run --yes"
    assert finished.failure is not None and "signin.match" in finished.failure.cause
    assert all(any(why in line for line in lines) for why in whys.values()), lines
    assert fresh.azd.set_calls == [("TF_INIT_SKIP_INTERACTIVE", "true")] and fresh.providers.registered == []

    # deploy-wizard preflight --fix-all
    fresh = run_on("fix-all")
    out, err = io.StringIO(), io.StringIO()
    code = await run_preflight_command(RunOptions(project_dir=fresh.root), azd_backend(), fix=False, fix_all=True,
                                       json_out=True, out=out, err=err)
    assert spied == expected, "preflight --fix-all"
    assert code == 1 and [f["check"] for f in json.loads(out.getvalue())["fixes"]] == [c for c, _ in expected]
    assert all(f"- {check}: not applied by --fix-all ({why})" in err.getvalue() for check, why in whys.items())
    assert fresh.azd.set_calls == [("TF_INIT_SKIP_INTERACTIVE", "true")] and fresh.providers.registered == []

    # the TUI's Fix all (every check offered: the policy, not the screen, picks)
    fresh = run_on("tui")
    lines = []
    engine = _engine(fresh, lines)
    fixed = await fix_checks(engine, [d.check_id for d in decisions], ask=None)
    await engine.finish()
    assert spied == expected, "TUI fix all"
    assert [c.id for c in fixed] == [c for c, _ in expected] and all(c.status == "fixed" for c in fixed)
    failing_whys = [d.why for d in decisions if d.askable and d.result.status == "fail"]  # the TUI fixes failed checks only
    assert failing_whys and all(any(f"({why}); press x on it" in line for line in lines) for why in failing_whys), lines
    assert fresh.azd.set_calls == [("TF_INIT_SKIP_INTERACTIVE", "true")] and fresh.providers.registered == []
