"""Preflight checks: each has a passing and a failing case on fixture projects.

The fakes here (tools, azd, Azure ports) are shared with test_preflight_fixes.py and
test_preflight_cli.py.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from wizard.core.ports import AzurePorts, ContainerAppInfo, Location, Subscription
from wizard.core.preflight import CHECKS, PreflightContext, run_preflight
from wizard.core.project import load_project
from wizard.simulator.sample import copy_sample

FIXTURES = Path(__file__).parent / "fixtures" / "preflight"
SUB = "00000000-0000-0000-0000-000000000000"
TENANT = "11111111-1111-1111-1111-111111111111"
HEALTHY_ENV = {
    "AZURE_ENV_NAME": "dev",
    "AZURE_LOCATION": "swedencentral",
    "AZURE_SUBSCRIPTION_ID": SUB,
    "AZURE_TENANT_ID": TENANT,
    "TF_INIT_SKIP_INTERACTIVE": "true",
    "PREFLIGHT_LIVE_CHECKS": "false",
    "EASYAUTH_ENABLED": "true",
    "ACS_SOURCE_PHONE_NUMBER": "+18005550100",
}
EXEC_SCRIPTS = ("devops/scripts/azd/preprovision.sh", "devops/scripts/azd/postprovision.sh",
                "devops/scripts/azd/helpers/initialize-terraform.sh")


# -- fakes ---------------------------------------------------------------------------------------
class FakeTools:
    """`ToolsLike` with a table of installed tools and canned command answers."""

    def __init__(self, missing: tuple[str, ...] = (), answers: dict[str, tuple[int, str]] | None = None,
                 delay: float = 0.0, platform: str = "linux") -> None:
        self.platform = platform
        self.missing = set(missing)
        self.delay = delay
        self.calls: list[list[str]] = []
        self.answers = {
            "terraform version": (0, json.dumps({"terraform_version": "1.9.5"})),
            "az account show": (0, json.dumps({"id": SUB, "tenantId": TENANT, "name": "Dev", "user": {"name": "me@x"}})),
            "az account set": (0, ""),
            "docker info": (0, "27.3.1"),
            "--version": (0, "Python 3.11.9"),
            "-m pytest": (0, "....\n4 passed in 0.10s\n"),
            "az cognitiveservices": (0, json.dumps([
                {"name": {"value": "OpenAI.DataZoneStandard.gpt-4o"}, "currentValue": 0, "limit": 300},
                {"name": {"value": "OpenAI.GlobalStandard.text-embedding-3-large"}, "currentValue": 50, "limit": 350},
            ])),
        }
        self.answers.update(answers or {})

    def which(self, name: str) -> str | None:
        return None if name in self.missing else f"/usr/bin/{name}"

    async def run(self, argv: list[str], timeout: float) -> tuple[int, str]:
        self.calls.append(list(argv))
        if self.delay:
            await asyncio.sleep(self.delay)
        line = " ".join(argv)
        for key in sorted(self.answers, key=len, reverse=True):
            if key in line:
                return self.answers[key]
        return 0, ""


class FakeAzd:
    def __init__(self, status: str = "success", version: str | None = "1.31.2") -> None:
        self.status = status
        self._version = version
        self.set_calls: list[tuple[str, str]] = []

    async def auth_status(self) -> dict[str, Any]:
        return {"status": self.status} | ({"expiresOn": "2030-01-01T00:00:00Z"} if self.status == "success" else {})

    async def version(self) -> str | None:
        return self._version

    async def env_set(self, key: str, value: str) -> None:
        self.set_calls.append((key, value))


class FakeProviders:
    def __init__(self, states: dict[str, str] | None = None, settle_after: int = 0) -> None:
        self.states = dict(states or {})
        self.registered: list[str] = []
        self.settle_after = settle_after  # polls answering Registering before Registered
        self._polls: dict[str, int] = {}

    def registration_state(self, subscription_id: str, namespace: str) -> str:
        if namespace in self.registered:
            self._polls[namespace] = self._polls.get(namespace, 0) + 1
            return "Registered" if self._polls[namespace] > self.settle_after else "Registering"
        return self.states.get(namespace, "Registered")

    def register(self, subscription_id: str, namespace: str) -> None:
        self.registered.append(namespace)


class FakeSubscriptions:
    def __init__(self, locations: tuple[str, ...] = ("swedencentral", "eastus2")) -> None:
        self.locations = locations

    def list_subscriptions(self) -> list[Subscription]:
        return [Subscription(SUB, "Dev", TENANT, True)]

    def list_locations(self, subscription_id: str) -> list[Location]:
        return [Location(n, n) for n in self.locations]


class FakeApps:
    def __init__(self, images: dict[str, str] | None = None) -> None:
        self.images = images or {}

    def list_apps(self, resource_group: str) -> list[ContainerAppInfo]:
        return [ContainerAppInfo(name, resource_group, image, 8000, None, {"azd-service-name": name})
                for name, image in self.images.items()]

    def restart_revision(self, resource_group: str, app: str, revision: str) -> None:
        raise AssertionError("preflight must not restart anything")


class FakeResources:
    """Resource groups as azd finds them: none tagged here, AZURE_RESOURCE_GROUP's exists."""

    def resource_groups_tagged(self, tag: str, value: str) -> list[str]:
        return []

    def resource_group_exists(self, resource_group: str) -> bool:
        return True


def fake_ports(providers: FakeProviders | None = None, subscriptions: FakeSubscriptions | None = None,
               apps: FakeApps | None = None) -> AzurePorts:
    return AzurePorts(
        container_apps=apps or FakeApps(),
        http=None,  # type: ignore[arg-type]
        phone_numbers_for=None,
        subscriptions=subscriptions or FakeSubscriptions(),
        providers=providers or FakeProviders(),
        resources=FakeResources(),  # type: ignore[arg-type]
    )


def copy_fixture(tmp_path: Path, name: str = "accel") -> Path:
    dest = tmp_path / name
    shutil.copytree(FIXTURES / name, dest)
    if name == "accel":
        for rel in EXEC_SCRIPTS:
            (dest / rel).chmod(0o755)
        (dest / "devops/scripts/azd/helpers/preflight-checks.sh").chmod(0o644)
    return dest


def make_ctx(root: Path, *, env: str | None = "dev", values: dict[str, str] | None = None,
             tools: FakeTools | None = None, azd: FakeAzd | None = None, ports: AzurePorts | None = None,
             with_tests: bool = False, no_ports: bool = False) -> PreflightContext:
    return PreflightContext(
        project=load_project(root),
        env=env,
        env_values=dict(HEALTHY_ENV if values is None else values),
        azd=azd or FakeAzd(),
        ports=None if no_ports else (ports or fake_ports()),
        with_tests=with_tests,
        tools=tools or FakeTools(),
        poll_interval=0.01,
        wait_timeout=2.0,
    )


async def results_of(ctx: PreflightContext, *ids: str) -> dict[str, Any]:
    results = await run_preflight(ctx, only=set(ids) if ids else None)
    return {r.id: r for r in results}


@pytest.fixture
def accel(tmp_path: Path) -> Path:
    return copy_fixture(tmp_path)


# -- the whole run -------------------------------------------------------------------------------
async def test_healthy_accelerator_fixture_has_no_failures(accel: Path) -> None:
    seen = []
    ctx = make_ctx(accel)
    results = await run_preflight(ctx, on_result=seen.append)
    assert [r.id for r in results] == [c.id for c in CHECKS]
    assert len(seen) == len(CHECKS)
    bad = {r.id: r.detail for r in results if r.status in ("fail", "warn")}
    assert bad == {}, bad
    assert all(r.status in ("pass", "skip") for r in results)
    assert {r.id for r in results if r.status == "pass"} >= {
        "tools.azd", "tools.terraform", "tools.az", "tools.jq", "tools.bash", "tools.docker", "tools.python",
        "signin.azd", "signin.az", "signin.match", "project.azure_yaml", "project.service_tags",
        "project.hook_scripts", "hooks.unattended", "subscription.providers", "subscription.region",
        "subscription.quota",
    }


async def test_checks_run_concurrently(accel: Path) -> None:
    ctx = make_ctx(accel, tools=FakeTools(delay=0.3))
    start = time.monotonic()
    await run_preflight(ctx)
    elapsed = time.monotonic() - start
    # about ten tool commands of 0.3 s each; run one after another they would take > 2 s
    assert elapsed < 1.5, elapsed


async def test_a_crashing_check_is_reported_not_raised(accel: Path) -> None:
    class Broken(FakeAzd):
        async def auth_status(self) -> dict[str, Any]:
            raise RuntimeError("boom")

    r = (await results_of(make_ctx(accel, azd=Broken()), "signin.azd"))["signin.azd"]
    assert r.status == "skip" and "boom" in r.detail


async def test_results_are_masked(accel: Path) -> None:
    values = dict(HEALTHY_ENV, AZURE_COSMOS_CONNECTION_STRING="mongodb://user:supersecretvalue@host")
    tools = FakeTools(answers={"az account show": (1, "ERROR: mongodb://user:supersecretvalue@host bad")})
    r = (await results_of(make_ctx(accel, values=values, tools=tools), "signin.az"))["signin.az"]
    assert "supersecretvalue" not in r.detail + r.fix


# -- tools ---------------------------------------------------------------------------------------
async def test_azd_missing_or_old(accel: Path) -> None:
    r = (await results_of(make_ctx(accel, azd=FakeAzd(version=None)), "tools.azd"))["tools.azd"]
    assert r.status == "fail" and "install-azd" in r.fix


@pytest.mark.parametrize("platform", ["linux", "darwin", "win32"])
async def test_azd_version_is_checked_against_the_tested_range(accel: Path, platform: str) -> None:
    """The range is toolbox.yaml's (the releases the real-azd tests replay): older warns with what
    may not work and this OS's upgrade command, newer passes with a note, in between passes."""
    from wizard.core.preflight.toolbox import install_hint, tested_range

    tested = tested_range("azd")
    assert tested is not None and tested.text == "1.25.1–1.31.2"
    tools = FakeTools(platform=platform)

    async def check(version: str):
        return (await results_of(make_ctx(accel, tools=tools, azd=FakeAzd(version=version)), "tools.azd"))["tools.azd"]

    old = await check("azd version 1.24.3 (commit abc)")
    assert old.status == "warn", old
    assert "older than tested (1.25.1–1.31.2)" in old.detail and "may not work" in old.detail
    assert "per-service rows" in old.detail  # which features
    assert old.fix == f"upgrade azd: {install_hint('azd', platform)}"
    for edge in ("1.25.1", "1.31.2", "1.28.0"):
        r = await check(edge)
        assert (r.status, r.detail) == ("pass", f"azd {edge} (tested: 1.25.1–1.31.2)")
    new = await check("1.32.0")
    assert (new.status, new.detail) == ("pass", "azd 1.32.0, newer than tested (1.31.2)")
    ancient = await check("1.5.0")  # below the toolbox's min_version: azd lacks what the wizard runs
    assert ancient.status == "fail" and ancient.detail == "azd 1.5.0 is too old: the wizard needs azd >= 1.11.0 (tested: 1.25.1–1.31.2)"
    assert ancient.fix == old.fix


def test_readme_states_the_tested_azd_range() -> None:
    from wizard.core.preflight.toolbox import tested_range

    tested = tested_range("azd")
    assert tested is not None
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    oldest, newest = (".".join(map(str, v)) for v in (tested.oldest, tested.newest))
    stated = set(re.findall(r"(\d+\.\d+\.\d+)\*{0,2} to \*{0,2}(\d+\.\d+\.\d+)", readme))
    assert stated == {(oldest, newest)}, stated
    assert "1.11 or newer" not in readme


async def test_terraform_missing_old_and_not_needed(accel: Path, tmp_path: Path) -> None:
    r = (await results_of(make_ctx(accel, tools=FakeTools(missing=("terraform",))), "tools.terraform"))["tools.terraform"]
    assert r.status == "fail" and "terraform" in r.fix.lower() and ">= 1.1.7" in r.fix
    mac = FakeTools(missing=("terraform",), platform="darwin")
    r = (await results_of(make_ctx(accel, tools=mac), "tools.terraform"))["tools.terraform"]
    assert "brew install" in r.fix
    old = FakeTools(answers={"terraform version": (0, json.dumps({"terraform_version": "1.0.11"}))})
    r = (await results_of(make_ctx(accel, tools=old), "tools.terraform"))["tools.terraform"]
    assert r.status == "fail" and "1.0.11" in r.detail
    bicep = copy_fixture(tmp_path, "bicep")
    r = (await results_of(make_ctx(bicep, tools=FakeTools(missing=("terraform",))), "tools.terraform"))["tools.terraform"]
    assert r.status == "skip"


async def test_hook_tools_follow_the_hook_scripts(accel: Path, tmp_path: Path) -> None:
    res = await results_of(make_ctx(accel, tools=FakeTools(missing=("az", "jq"))), "tools.az", "tools.jq", "tools.bash")
    assert res["tools.az"].status == "fail" and "InstallAzureCLIDeb" in res["tools.az"].fix
    assert res["tools.jq"].status == "fail" and "jq" in res["tools.jq"].fix
    assert res["tools.bash"].status == "pass"
    # a project without hooks needs none of them
    bicep = copy_fixture(tmp_path, "bicep")
    res = await results_of(make_ctx(bicep, tools=FakeTools(missing=("az", "jq", "bash"))), "tools.az", "tools.jq", "tools.bash")
    assert {r.status for r in res.values()} == {"skip"}


async def test_docker_only_when_needed(accel: Path, tmp_path: Path) -> None:
    # remote builds: only the hook's `command -v docker` needs it, not a running daemon
    down = FakeTools(answers={"docker info": (1, "Cannot connect to the Docker daemon")})
    assert (await results_of(make_ctx(accel, tools=down), "tools.docker"))["tools.docker"].status == "pass"
    r = (await results_of(make_ctx(accel, tools=FakeTools(missing=("docker",))), "tools.docker"))["tools.docker"]
    assert r.status == "fail" and "the hooks call docker" in r.detail and "images build remotely" in r.detail
    # a local build (service api of the bicep fixture) needs a running daemon
    bicep = copy_fixture(tmp_path, "bicep")
    r = (await results_of(make_ctx(bicep, tools=down), "tools.docker"))["tools.docker"]
    assert r.status == "fail" and "daemon" in r.detail and "api build(s)" not in r.detail
    assert (await results_of(make_ctx(bicep), "tools.docker"))["tools.docker"].status == "pass"


async def test_python_version(accel: Path) -> None:
    old = FakeTools(answers={"--version": (0, "Python 3.9.6")})
    r = (await results_of(make_ctx(accel, tools=old), "tools.python"))["tools.python"]
    assert r.status == "fail" and "3.9" in r.detail and "TypeAlias" in r.detail and "3.11" in r.fix
    r = (await results_of(make_ctx(accel), "tools.python"))["tools.python"]
    assert r.status == "pass" and "3.11" in r.detail


# -- sign-in -------------------------------------------------------------------------------------
async def test_azd_logged_out(accel: Path) -> None:
    r = (await results_of(make_ctx(accel, azd=FakeAzd(status="unauthenticated")), "signin.azd"))["signin.azd"]
    assert r.status == "fail" and f"azd auth login --tenant-id {TENANT}" in r.fix
    assert (await results_of(make_ctx(accel), "signin.azd"))["signin.azd"].status == "pass"


async def test_az_logged_out(accel: Path) -> None:
    tools = FakeTools(answers={"az account show": (1, "ERROR: Please run 'az login' to setup account.")})
    r = (await results_of(make_ctx(accel, tools=tools), "signin.az"))["signin.az"]
    assert r.status == "fail" and "az login" in r.fix and "az login" in r.detail


async def test_az_points_elsewhere(accel: Path) -> None:
    other = json.dumps({"id": "22222222-0000-0000-0000-000000000000", "tenantId": TENANT, "name": "Other"})
    ctx = make_ctx(accel, tools=FakeTools(answers={"az account show": (0, other)}))
    r = (await results_of(ctx, "signin.match"))["signin.match"]
    assert r.status == "fail" and f"az account set --subscription {SUB}" in r.fix
    assert "overwrite AZURE_SUBSCRIPTION_ID" in r.detail
    other_tenant = json.dumps({"id": SUB, "tenantId": "33333333-0000-0000-0000-000000000000"})
    ctx = make_ctx(accel, tools=FakeTools(answers={"az account show": (0, other_tenant)}))
    r = (await results_of(ctx, "signin.match"))["signin.match"]
    assert r.status == "fail" and f"az login --tenant {TENANT}" in r.fix


async def test_azd_cannot_see_subscription(accel: Path) -> None:
    values = dict(HEALTHY_ENV, AZURE_SUBSCRIPTION_ID="99999999-0000-0000-0000-000000000000")
    r = (await results_of(make_ctx(accel, values=values), "signin.match"))["signin.match"]
    assert r.status == "fail" and "azd's sign-in cannot see" in r.detail


class _RefusingSubscriptions(FakeSubscriptions):
    def list_subscriptions(self) -> list[Subscription]:
        # what the replayed Azure answers a read azd never made (an ARM 400 through azure-core)
        raise RuntimeError("(requested interaction not found) \nCode: requested interaction not found")


async def test_signin_match_that_could_not_list_subscriptions_is_a_warning_not_a_pass(accel: Path) -> None:
    """"could not list" is not "same account": the check says it could not check, why, and how to
    look by hand; az pointing elsewhere stays a failure on top."""
    az_same = json.dumps({"id": SUB, "tenantId": TENANT, "name": "Dev"})
    tools = FakeTools(answers={"az account show": (0, az_same)})
    r = (await results_of(make_ctx(accel, tools=tools, ports=fake_ports(subscriptions=_RefusingSubscriptions())), "signin.match"))["signin.match"]
    assert r.status == "warn", r
    assert r.detail.startswith(f"could not check that azd's sign-in sees subscription {SUB} "
                               "(listing azd's subscriptions failed: RuntimeError: (requested interaction not found)")
    assert "az uses the same subscription" in r.detail
    assert f"check by hand: az account show --subscription {SUB} -o table" in r.fix
    offline = (await results_of(make_ctx(accel, tools=tools, no_ports=True), "signin.match"))["signin.match"]
    assert offline.status == "warn" and "(no Azure access" in offline.detail
    other = json.dumps({"id": "22222222-0000-0000-0000-000000000000", "tenantId": TENANT, "name": "Other"})
    both = make_ctx(accel, tools=FakeTools(answers={"az account show": (0, other)}), ports=fake_ports(subscriptions=_RefusingSubscriptions()))
    r = (await results_of(both, "signin.match"))["signin.match"]
    assert r.status == "fail" and "az's active subscription is" in r.detail and "could not check" in r.detail
    assert f"az account set --subscription {SUB}" in r.fix


# -- project -------------------------------------------------------------------------------------
async def test_azure_yaml_problems(accel: Path) -> None:
    assert (await results_of(make_ctx(accel), "project.azure_yaml"))["project.azure_yaml"].status == "pass"
    (accel / "apps/backend/Dockerfile").unlink()
    r = (await results_of(make_ctx(accel), "project.azure_yaml"))["project.azure_yaml"]
    assert r.status == "fail" and "apps/backend/Dockerfile" in r.detail and "azure.yaml" in r.fix


async def test_service_missing_its_tag(accel: Path) -> None:
    tf = accel / "infra/terraform/containers.tf"
    tf.write_text(tf.read_text().replace('"azd-service-name" = "rtaudio-server"', '"component" = "backend"'))
    r = (await results_of(make_ctx(accel), "project.service_tags"))["project.service_tags"]
    assert r.status == "fail"
    assert "rtaudio-server" in r.detail and "rtaudio-client" not in r.detail
    assert "infra/terraform/containers.tf" in r.fix and "azurerm_container_app.backend" in r.fix
    assert '"azd-service-name" = "rtaudio-server"' in r.fix


async def test_duplicate_tag(accel: Path) -> None:
    tf = accel / "infra/terraform/containers.tf"
    tf.write_text(tf.read_text().replace('"azd-service-name" = "rtaudio-server"', '"azd-service-name" = "rtaudio-client"'))
    r = (await results_of(make_ctx(accel), "project.service_tags"))["project.service_tags"]
    assert r.status == "fail" and "tagged on 2 resources" in r.detail


async def test_tag_through_a_variable_is_unverifiable(accel: Path) -> None:
    tf = accel / "infra/terraform/containers.tf"
    tf.write_text(tf.read_text().replace('"azd-service-name" = "rtaudio-server"', '"azd-service-name" = var.backend_service'))
    r = (await results_of(make_ctx(accel), "project.service_tags"))["project.service_tags"]
    assert r.status == "warn" and "var.backend_service" in r.detail


async def test_whole_tag_map_from_a_variable_is_unverifiable(accel: Path) -> None:
    tf = accel / "infra/terraform/containers.tf"
    text = tf.read_text()
    start = text.index('  tags = merge(local.tags, {\n    "azd-service-name" = "rtaudio-server"')
    end = text.index("})", start) + 2
    tf.write_text(text[:start] + "  tags = var.backend_tags" + text[end:])
    r = (await results_of(make_ctx(accel), "project.service_tags"))["project.service_tags"]
    assert r.status == "warn" and "var.backend_tags" in r.detail
    # a tag map that is fully known (a local of literals) and lacks the tag is missing, not unverifiable
    tf.write_text(text[:start] + "  tags = local.tags" + text[end:])
    r = (await results_of(make_ctx(accel), "project.service_tags"))["project.service_tags"]
    assert r.status == "fail" and "rtaudio-server" in r.detail


async def test_unparseable_terraform_falls_back_to_scanning(accel: Path) -> None:
    tf = accel / "infra/terraform/containers.tf"
    tf.write_text(tf.read_text() + "\nthis is { not hcl\n")
    r = (await results_of(make_ctx(accel), "project.service_tags"))["project.service_tags"]
    assert r.status == "pass", r.detail


async def test_bicep_tags(tmp_path: Path) -> None:
    bicep = copy_fixture(tmp_path, "bicep")
    r = (await results_of(make_ctx(bicep), "project.service_tags"))["project.service_tags"]
    assert r.status == "pass" and "api" in r.detail and "web" in r.detail
    main = bicep / "infra/main.bicep"
    main.write_text(main.read_text().replace("serviceName: 'api'", "serviceName: apiName"))
    r = (await results_of(make_ctx(bicep), "project.service_tags"))["project.service_tags"]
    assert r.status == "warn" and "apiName" in r.detail  # the caller's expression the tag comes from
    main.write_text(main.read_text().replace("{ 'azd-service-name': 'web' }", "{ env: 'x' }"))
    r = (await results_of(make_ctx(bicep), "project.service_tags"))["project.service_tags"]
    assert r.status == "warn"  # web missing, but api unverifiable: cannot tell which
    (bicep / "infra/app/app.bicep").write_text((bicep / "infra/app/app.bicep").read_text().replace("'azd-service-name': serviceName", "x: 1"))
    r = (await results_of(make_ctx(bicep), "project.service_tags"))["project.service_tags"]
    assert r.status == "fail" and "tags: union(tags, { 'azd-service-name': 'api' })" in r.fix


async def test_hook_script_faults(accel: Path) -> None:
    pre = accel / "devops/scripts/azd/preprovision.sh"
    post = accel / "devops/scripts/azd/postprovision.sh"
    helper = accel / "devops/scripts/azd/helpers/preflight-checks.sh"
    pre.write_bytes(pre.read_bytes().replace(b"\n", b"\r\n"))
    helper.write_bytes(helper.read_bytes().replace(b"\n", b"\r\n"))
    post.chmod(0o644)
    r = (await results_of(make_ctx(accel), "project.hook_scripts"))["project.hook_scripts"]
    assert r.status == "fail"
    assert "CRLF" in r.detail and "preprovision.sh" in r.detail and "helpers/preflight-checks.sh" in r.detail
    assert "not executable" in r.detail and "postprovision.sh" in r.detail
    assert "chmod +x devops/scripts/azd/postprovision.sh" in r.fix
    # the sourced helper needs no run bit
    assert "chmod +x devops/scripts/azd/helpers" not in r.fix


async def test_hook_without_shebang_or_missing(accel: Path) -> None:
    post = accel / "devops/scripts/azd/postprovision.sh"
    post.write_text(post.read_text().split("\n", 1)[1])
    r = (await results_of(make_ctx(accel), "project.hook_scripts"))["project.hook_scripts"]
    assert r.status == "fail" and "no #! line" in r.detail
    post.unlink()
    r = (await results_of(make_ctx(accel), "project.hook_scripts"))["project.hook_scripts"]
    assert r.status == "fail" and "missing" in r.detail


# -- unattended hooks ----------------------------------------------------------------------------
async def test_unattended_values(accel: Path) -> None:
    assert (await results_of(make_ctx(accel), "hooks.unattended"))["hooks.unattended"].status == "pass"
    values = {k: v for k, v in HEALTHY_ENV.items() if k not in ("TF_INIT_SKIP_INTERACTIVE", "EASYAUTH_ENABLED")}
    r = (await results_of(make_ctx(accel, values=values), "hooks.unattended"))["hooks.unattended"]
    assert r.status == "fail" and "Use these values?" in r.detail
    assert "azd env set TF_INIT_SKIP_INTERACTIVE true" in r.fix
    # EASYAUTH_ENABLED=true would claim EasyAuth is on: a timed menu is never "pre-answered"
    assert "EasyAuth" not in r.detail and "EASYAUTH_ENABLED" not in r.fix
    # any of the alternatives satisfies the state question
    for extra in ({"LOCAL_STATE": "true"},
                  {"RS_RESOURCE_GROUP": "rg", "RS_STORAGE_ACCOUNT": "st", "RS_CONTAINER_NAME": "c", "RS_STATE_KEY": "k"}):
        r = (await results_of(make_ctx(accel, values=values | extra | {"EASYAUTH_ENABLED": "true"}), "hooks.unattended"))["hooks.unattended"]
        assert r.status == "pass", (extra, r.detail)
    partial = values | {"RS_RESOURCE_GROUP": "rg", "EASYAUTH_ENABLED": "true"}
    assert (await results_of(make_ctx(accel, values=partial), "hooks.unattended"))["hooks.unattended"].status == "fail"
    # only timed menus left (no phone number, no EasyAuth answer): they skip themselves, nothing to set
    timed_only = {k: v for k, v in HEALTHY_ENV.items() if k not in ("ACS_SOURCE_PHONE_NUMBER", "EASYAUTH_ENABLED")}
    r = (await results_of(make_ctx(accel, values=timed_only), "hooks.unattended"))["hooks.unattended"]
    assert r.status == "pass" and "timed menus that skip themselves" in r.detail and "phone" in r.detail


async def test_unattended_location_from_tfvars(accel: Path) -> None:
    values = {k: v for k, v in HEALTHY_ENV.items() if k != "AZURE_LOCATION"}
    assert (await results_of(make_ctx(accel, values=values), "hooks.unattended"))["hooks.unattended"].status == "pass"
    (accel / "infra/terraform/params/main.tfvars.dev.json").unlink()
    r = (await results_of(make_ctx(accel, values=values), "hooks.unattended"))["hooks.unattended"]
    assert r.status == "fail" and "Enter Azure location" in r.detail


async def test_unattended_skips_without_environment(accel: Path) -> None:
    r = (await results_of(make_ctx(accel, env=None, values={}), "hooks.unattended"))["hooks.unattended"]
    assert r.status == "skip"


# -- subscription --------------------------------------------------------------------------------
async def test_unregistered_provider(accel: Path) -> None:
    ports = fake_ports(FakeProviders({"Microsoft.App": "NotRegistered"}))
    r = (await results_of(make_ctx(accel, ports=ports), "subscription.providers"))["subscription.providers"]
    assert r.status == "fail" and "Microsoft.App" in r.detail and "MissingSubscriptionRegistration" in r.detail
    assert r.fix == "az provider register --namespace Microsoft.App"
    assert r.fixable


async def test_providers_come_from_the_infra_and_the_floor(accel: Path, tmp_path: Path) -> None:
    asked: list[str] = []

    class Recording(FakeProviders):
        def registration_state(self, subscription_id: str, namespace: str) -> str:
            asked.append(namespace)
            return "Registered"

    await results_of(make_ctx(accel, ports=fake_ports(Recording())), "subscription.providers")
    # from the infra (azapi redisEnterprise, eventgrid absent) and the accelerator floor
    assert {"Microsoft.App", "Microsoft.Cache", "Microsoft.Communication", "Microsoft.DocumentDB"} <= set(asked)
    asked.clear()
    bicep = copy_fixture(tmp_path, "bicep")
    await results_of(make_ctx(bicep, ports=fake_ports(Recording())), "subscription.providers")
    assert sorted(asked) == ["Microsoft.App", "Microsoft.KeyVault"]  # no floor for a non-accelerator


async def test_providers_skip_without_azure_access(accel: Path) -> None:
    r = (await results_of(make_ctx(accel, no_ports=True), "subscription.providers"))["subscription.providers"]
    assert r.status == "skip"


async def test_region(accel: Path) -> None:
    values = dict(HEALTHY_ENV, AZURE_LOCATION="eastus")
    r = (await results_of(make_ctx(accel, values=values), "subscription.region"))["subscription.region"]
    assert r.status == "warn" and "eastus is not among the 2 regions" in r.detail
    assert "Voice Live" in r.detail
    r = (await results_of(make_ctx(accel), "subscription.region"))["subscription.region"]
    assert r.status == "pass" and "Voice Live" not in r.detail


async def test_quota(accel: Path) -> None:
    low = json.dumps([
        {"name": {"value": "OpenAI.DataZoneStandard.gpt-4o"}, "currentValue": 250, "limit": 300},
    ])
    r = (await results_of(make_ctx(accel, tools=FakeTools(answers={"az cognitiveservices": (0, low)})), "subscription.quota"))["subscription.quota"]
    assert r.status == "warn"
    assert "gpt-4o (DataZoneStandard): 50 free of 300 (used 250), needs 150" in r.detail
    assert "text-embedding-3-large (GlobalStandard): no quota entry" in r.detail
    r = (await results_of(make_ctx(accel), "subscription.quota"))["subscription.quota"]
    assert r.status == "pass" and "300 free of 300" in r.detail


# -- existing environment ------------------------------------------------------------------------
async def test_placeholder_images(accel: Path) -> None:
    values = dict(HEALTHY_ENV, AZURE_RESOURCE_GROUP="rg-dev")
    apps = FakeApps({"rtaudio-client": "mcr.microsoft.com/azuredocs/containerapps-helloworld:latest",
                     "rtaudio-server": "acr.azurecr.io/server:azd-1"})
    r = (await results_of(make_ctx(accel, values=values, ports=fake_ports(apps=apps)), "environment.placeholder"))["environment.placeholder"]
    assert r.status == "warn" and "rtaudio-client" in r.detail and "rtaudio-server" not in r.detail
    assert "startup probe" in r.detail and "deploy" in r.fix
    apps = FakeApps({"rtaudio-client": "acr.azurecr.io/client:azd-1"})
    r = (await results_of(make_ctx(accel, values=values, ports=fake_ports(apps=apps)), "environment.placeholder"))["environment.placeholder"]
    assert r.status == "pass"
    assert (await results_of(make_ctx(accel), "environment.placeholder"))["environment.placeholder"].status == "skip"


async def test_phone_number(accel: Path) -> None:
    values = dict(HEALTHY_ENV, AZURE_RESOURCE_GROUP="rg-dev")
    del values["ACS_SOURCE_PHONE_NUMBER"]
    r = (await results_of(make_ctx(accel, values=values), "environment.phone"))["environment.phone"]
    assert r.status == "warn" and "telephony will be disabled" in r.detail
    values["ACS_SOURCE_PHONE_NUMBER"] = "+18005550100"
    assert (await results_of(make_ctx(accel, values=values), "environment.phone"))["environment.phone"].status == "pass"


# -- project tests -------------------------------------------------------------------------------
async def test_project_tests(accel: Path) -> None:
    assert (await results_of(make_ctx(accel), "tests.project"))["tests.project"].status == "skip"
    r = (await results_of(make_ctx(accel, with_tests=True), "tests.project"))["tests.project"]
    assert r.status == "fail" and "virtual environment" in r.detail
    venv_python = accel / ".venv/bin/python"
    venv_python.parent.mkdir(parents=True)
    venv_python.write_text("")
    tools = FakeTools()
    r = (await results_of(make_ctx(accel, with_tests=True, tools=tools), "tests.project"))["tests.project"]
    assert r.status == "pass" and "4 passed, 0 failed" in r.detail
    pytest_call = next(c for c in tools.calls if "pytest" in c)
    assert pytest_call[0] == str(venv_python) and str(accel / "tests") in pytest_call
    failing = FakeTools(answers={"-m pytest": (1, "..F.\nFAILED tests/x.py::t\n1 failed, 3 passed in 0.2s\n")})
    r = (await results_of(make_ctx(accel, with_tests=True, tools=failing), "tests.project"))["tests.project"]
    assert r.status == "fail" and "3 passed, 1 failed" in r.detail
    old = FakeTools(answers={"--version": (0, "Python 3.9.6")})
    r = (await results_of(make_ctx(accel, with_tests=True, tools=old), "tests.project"))["tests.project"]
    assert r.status == "fail" and "3.9" in r.detail


@pytest.mark.parametrize(("printed", "warned", "shown"), [
    ("azd version 1.24.3 (commit 0123abc)", True, "1.24.3"),
    ("azd version 1.32.0 (commit 0123abc) (stable)", False, "1.32.0 (newer than tested (1.31.2))"),
])
async def test_readiness_warns_about_an_untested_azd_but_never_blocks(tmp_path: Path, printed: str, warned: bool, shown: str) -> None:
    """The Project screen and `--plain` say the same as preflight: an older azd still runs."""
    import sys

    from wizard.core.backend import Backend
    from wizard.core.readiness import probe_readiness

    azd = tmp_path / "azd"
    azd.write_text(f"#!{sys.executable}\nimport sys\nprint({printed!r})\n", encoding="utf-8")
    azd.chmod(0o755)
    project = load_project(copy_sample(tmp_path / "p"))
    ready = await probe_readiness(project, Backend("azd", (str(azd),)), with_signin=False)
    assert not ready.blocked and ready.azd.version == shown
    assert bool(ready.azd.warning) is warned
    if warned:
        lines = ready.lines()
        assert lines[0].startswith("! Azure Developer CLI (azd): 1.24.3")
        assert "older than tested (1.25.1–1.31.2)" in lines[1] and lines[2].startswith("    upgrade: ")
