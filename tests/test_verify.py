"""Post-deploy verification over fakes of the ports (shared ones in tests/helpers.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import FakeApps, FakePhones, fake_ports, voice_agent_yaml
from wizard.core.ports import (
    AzurePorts,
    ContainerAppInfo,
    HttpResult,
    PhoneNumber,
    RevisionInfo,
)
from wizard.core.project import Project, parse_azure_yaml
from wizard.core.verify import VerifyReport, is_placeholder_image, listening_port, verify

PLACEHOLDER = "mcr.microsoft.com/azuredocs/containerapps-helloworld:latest"
RG = "rg-artagent-dev"

AZURE_YAML = voice_agent_yaml(frontend_docker_path="./Dockerfile")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    (tmp_path / "azure.yaml").write_text(AZURE_YAML, encoding="utf-8")
    (tmp_path / "apps/frontend").mkdir(parents=True)
    (tmp_path / "apps/frontend/Dockerfile").write_text("FROM node:22-alpine\nEXPOSE 8080\n", encoding="utf-8")
    (tmp_path / "apps/backend").mkdir(parents=True)
    (tmp_path / "apps/backend/Dockerfile").write_text(
        'FROM python:3.11-slim\nEXPOSE 8000\nCMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]\n',
        encoding="utf-8",
    )
    # the accelerator's backend serves the health path the wait polls (verify waits only where one is served)
    (tmp_path / "apps/backend/main.py").write_text('@app.get("/api/v1/health")\ndef health(): ...\n', encoding="utf-8")
    return parse_azure_yaml(tmp_path / "azure.yaml")


class FakeHttp:
    """Answers per URL from a script; the last answer repeats."""

    def __init__(self, script: dict[str, list[HttpResult]] | None = None) -> None:
        self.script = script or {}
        self.calls: list[tuple[str, float]] = []

    def get(self, url: str, timeout: float = 10.0) -> HttpResult:
        self.calls.append((url, timeout))
        answers = self.script.get(url) or [HttpResult(status=None, error="connection refused")]
        return answers.pop(0) if len(answers) > 1 else answers[0]


def ports(apps: FakeApps, http: FakeHttp, numbers: list[str] | None = None) -> AzurePorts:
    """Always with a phone-numbers port, so telephony checks ownership (empty: owns nothing)."""
    return fake_ports(apps, http=http, phones=FakePhones([PhoneNumber(n) for n in numbers or []]))


def app(service: str, name: str, *, image: str, port: int, healthy: bool = True, state: str = "Running", replicas: int = 1) -> ContainerAppInfo:
    return ContainerAppInfo(
        name=name,
        resource_group=RG,
        image=image,
        target_port=port,
        fqdn=f"{name}.eastus2.azurecontainerapps.io",
        tags={"azd-service-name": service, "azd-env-name": "dev"},
        revisions=(RevisionInfo(f"{name}--0000001", True, healthy, state, replicas, 100),),
    )


FRONT = "https://artagent-frontend-abc.eastus2.azurecontainerapps.io"
BACK = "https://artagent-backend-abc.eastus2.azurecontainerapps.io"
HEALTH = BACK + "/api/v1/health"
ENV = {"AZURE_RESOURCE_GROUP": RG, "AZURE_ENV_NAME": "dev", "AZURE_SUBSCRIPTION_ID": "sub-1", "ACS_ENDPOINT": "https://acs-x.communication.azure.com"}


def provisioned_only() -> FakeApps:
    return FakeApps(
        [
            app("rtaudio-client", "artagent-frontend-abc", image=PLACEHOLDER, port=8080, healthy=False, state="Failed"),
            app("rtaudio-server", "artagent-backend-abc", image=PLACEHOLDER, port=8000, healthy=False, state="Failed"),
        ]
    )


def deployed(backend_healthy: bool = True) -> FakeApps:
    return FakeApps(
        [
            app("rtaudio-client", "artagent-frontend-abc", image="crabc.azurecr.io/voice/rtaudio-client-dev:azd-1", port=8080),
            app("rtaudio-server", "artagent-backend-abc", image="crabc.azurecr.io/voice/rtaudio-server-dev:azd-1", port=8000, replicas=5, healthy=backend_healthy),
        ]
    )


def by_id(report: VerifyReport) -> dict[str, str]:
    return {c.id: c.status for c in report.checks}


async def test_after_provision_only_fails_on_placeholder_and_port(project: Project) -> None:
    http = FakeHttp()
    report = await verify(project, ENV, ports(provisioned_only(), http), poll_interval=0)
    assert not report.ok
    failed = {c.id: c for c in report.failures}
    for service, app_name, port in (("rtaudio-client", "artagent-frontend-abc", 8080), ("rtaudio-server", "artagent-backend-abc", 8000)):
        image = failed[f"image:{service}"]
        assert image.target == f"service:{service}"
        assert app_name in image.detail and PLACEHOLDER in image.detail and "provisioned but not deployed" in image.detail
        assert "azd deploy" in (image.fix or "")
        assert image.kb_id == "placeholder-image"
        mismatch = failed[f"port:{service}"]
        assert f"80 vs {port}" in mismatch.title
        assert "placeholder image listens on port 80" in mismatch.detail and f"port {port}" in mismatch.detail
        assert "azd deploy" in (mismatch.fix or "")
        assert "azd deploy" in (failed[f"revision:{service}"].fix or "")
    # the health endpoint is not waited for: it cannot answer on the placeholder
    assert http.calls == []
    assert by_id(report)["health:rtaudio-server"] == "skip"
    data = report.to_json()
    assert data["ok"] is False and set(data) == {"ok", "counts", "checks", "endpoints", "telephony"}
    assert data["counts"] == report.counts() and data["counts"]["failed"] == len(report.failures)
    assert {"id", "title", "status", "detail", "fix"} <= set(data["checks"][0])
    json.dumps(data)


async def test_after_deploy_passes_and_lists_endpoints(project: Project) -> None:
    http = FakeHttp({HEALTH: [HttpResult(200, '{"status": "healthy", "version": "1.0.0"}')], FRONT: [HttpResult(200, "<html>")]})
    env = {**ENV, "ACS_SOURCE_PHONE_NUMBER": "+14165551234"}
    report = await verify(project, env, ports(deployed(), http, ["+14165551234"]), poll_interval=0)
    assert report.ok, report.lines()
    statuses = by_id(report)
    assert all(statuses[k] == "pass" for k in ("image:rtaudio-server", "port:rtaudio-server", "revision:rtaudio-server", "health:rtaudio-server", "http:rtaudio-client", "telephony"))
    revision = next(c for c in report.checks if c.id == "revision:rtaudio-server")
    assert "5 replicas" in revision.detail and "Running" in revision.detail
    health = next(c for c in report.checks if c.id == "health:rtaudio-server")
    assert "status healthy 1.0.0" in health.detail
    assert report.endpoints == {"rtaudio-client": FRONT, "rtaudio-server": BACK, "backend_health": HEALTH}
    assert report.telephony_enabled and report.to_json()["telephony"] == {"enabled": True, "detail": "calls use +14165551234"}


async def test_frontend_401_is_easyauth_not_a_failure(project: Project) -> None:
    http = FakeHttp({HEALTH: [HttpResult(200, "{}")], FRONT: [HttpResult(401, "Unauthorized")]})
    report = await verify(project, ENV, ports(deployed(), http), poll_interval=0)
    assert report.ok
    check = next(c for c in report.checks if c.id == "http:rtaudio-client")
    assert check.status == "warn" and "EasyAuth" in check.title and "sign in with Entra ID" in check.detail
    assert check.kb_id == "easyauth-401"


async def test_frontend_redirect_to_login_is_easyauth(project: Project) -> None:
    redirect = HttpResult(302, "", location="https://artagent-frontend-abc/.auth/login/aad?post_login_redirect_uri=/")
    http = FakeHttp({HEALTH: [HttpResult(200, "{}")], FRONT: [redirect]})
    report = await verify(project, ENV, ports(deployed(), http), poll_interval=0)
    assert "EasyAuth" in next(c for c in report.checks if c.id == "http:rtaudio-client").title


async def test_flaky_health_endpoint_recovers_after_three_tries(project: Project) -> None:
    flaky = [HttpResult(None, error="connection refused"), HttpResult(502, "Bad Gateway"), HttpResult(503, "starting"), HttpResult(200, '{"status": "healthy"}')]
    http = FakeHttp({HEALTH: flaky, FRONT: [HttpResult(200)]})
    progress: list[tuple[int, int, float]] = []
    report = await verify(
        project, ENV, ports(deployed(), http), poll_interval=0, health_timeout=60, max_attempts=10,
        on_progress=lambda a, m, e: progress.append((a, m, e)),
    )
    assert report.ok
    assert [p[0] for p in progress] == [1, 2, 3, 4] and all(p[1] == 10 for p in progress)
    health = next(c for c in report.checks if c.id == "health:rtaudio-server")
    assert health.status == "pass" and "after 4 tries" in health.detail
    assert [u for u, _ in http.calls].count(HEALTH) == 4


async def test_health_wait_is_bounded_by_time(project: Project) -> None:
    now = [0.0]

    def clock() -> float:
        now[0] += 4.0  # every look at the clock: 4 s later
        return now[0]

    http = FakeHttp({HEALTH: [HttpResult(503, "nope")], FRONT: [HttpResult(200)]})
    progress: list[tuple[int, int, float]] = []
    report = await verify(
        project, ENV, ports(deployed(), http), health_timeout=30, poll_interval=0.001,
        clock=clock, on_progress=lambda a, m, e: progress.append((a, m, e)),
    )
    health = next(c for c in report.checks if c.id == "health:rtaudio-server")
    assert health.status == "fail" and health.title.endswith("timed out")
    assert "last answer 503" in health.detail and "azd deploy" in (health.fix or "")
    assert health.kb_id == "health-timeout"
    assert len(progress) < 10 and progress[-1][2] <= 30
    assert all(timeout <= 10.0 for _, timeout in http.calls)


async def test_health_attempts_default_from_timeout_and_interval(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_sleep(_: float) -> None:
        return None

    monkeypatch.setattr("wizard.core.verify.asyncio.sleep", no_sleep)
    http = FakeHttp({HEALTH: [HttpResult(None, error="timed out")], FRONT: [HttpResult(200)]})
    progress: list[int] = []
    report = await verify(project, ENV, ports(deployed(), http), health_timeout=20, poll_interval=5, on_progress=lambda a, m, e: progress.append(m))
    assert not report.ok and progress and set(progress) == {5}
    assert "no answer (timed out)" in next(c for c in report.checks if c.id == "health:rtaudio-server").detail


async def test_unhealthy_revision_after_deploy_points_to_logs(project: Project) -> None:
    http = FakeHttp({FRONT: [HttpResult(200)]})
    report = await verify(project, ENV, ports(deployed(backend_healthy=False), http), poll_interval=0)
    revision = next(c for c in report.checks if c.id == "revision:rtaudio-server")
    assert revision.status == "fail" and "az containerapp logs show -n artagent-backend-abc" in (revision.fix or "")
    assert by_id(report)["health:rtaudio-server"] == "skip"


async def test_deployed_port_mismatch_is_explained(project: Project) -> None:
    apps = deployed()
    apps.apps[1] = app("rtaudio-server", "artagent-backend-abc", image="cr.io/server:1", port=80)
    http = FakeHttp({FRONT: [HttpResult(200)]})
    report = await verify(project, ENV, ports(apps, http), poll_interval=0)
    check = next(c for c in report.checks if c.id == "port:rtaudio-server")
    assert check.status == "fail" and "(8000 vs 80)" in check.title
    assert "listens on port 8000" in check.detail and "target_port 8000" in (check.fix or "")


@pytest.mark.parametrize(("healthy", "state", "status"), [
    (True, "Running", "warn"), (False, "Activating", "warn"), (False, "Failed", "fail"),
])
async def test_an_expose_only_mismatch_fails_only_with_a_failing_revision(
    project: Project, healthy: bool, state: str, status: str
) -> None:
    """EXPOSE documents a port; azd's own remote-build sample says EXPOSE 3000 and listens on 8080."""
    apps = deployed()
    apps.apps[0] = app("rtaudio-client", "artagent-frontend-abc", image="cr.io/client:1", port=3000,
                       healthy=healthy, state=state)
    http = FakeHttp({HEALTH: [HttpResult(200)], FRONT: [HttpResult(200)]})
    report = await verify(project, ENV, ports(apps, http), poll_interval=0)
    check = next(c for c in report.checks if c.id == "port:rtaudio-client")
    assert check.status == status
    assert "8080" in check.title and "3000" in check.title


async def test_missing_tag_names_the_service(project: Project) -> None:
    apps = deployed()
    untagged = apps.apps[0]
    apps.apps[0] = ContainerAppInfo(untagged.name, RG, untagged.image, 8080, untagged.fqdn, {}, untagged.revisions)
    http = FakeHttp({HEALTH: [HttpResult(200)]})
    report = await verify(project, ENV, ports(apps, http), poll_interval=0)
    check = next(c for c in report.checks if c.id == "exists:rtaudio-client")
    assert check.status == "fail" and "azd-service-name=rtaudio-client" in check.detail
    assert "artagent-frontend-abc" in check.detail and 'azd-service-name = "rtaudio-client"' in (check.fix or "")


async def test_not_provisioned_and_listing_errors(project: Project) -> None:
    report = await verify(project, {}, ports(FakeApps(), FakeHttp()))
    assert not report.ok and report.failures[0].id == "provisioned" and "azd provision" in (report.failures[0].fix or "")
    report = await verify(project, ENV, ports(FakeApps(list_error=RuntimeError("AuthenticationFailed: run azd auth login")), FakeHttp()))
    assert report.failures[0].id == "container-apps" and "AuthenticationFailed" in report.failures[0].detail
    assert any(c.id == "telephony" for c in report.checks)


async def test_telephony_disabled_is_a_warning(project: Project) -> None:
    http = FakeHttp({HEALTH: [HttpResult(200)], FRONT: [HttpResult(200)]})
    report = await verify(project, ENV, ports(deployed(), http), poll_interval=0)
    assert report.ok and not report.telephony_enabled
    check = next(c for c in report.checks if c.id == "telephony")
    assert check.status == "warn" and check.title == "Telephony disabled" and "deploy-wizard phone" in (check.fix or "")


async def test_warnings_are_counted_apart_from_passes(project: Project) -> None:
    """A run with a warning is not "all passed": the summary counts passed, warned, failed apart
    (the step's detail, summary.json's `verify.counts`, the plain report)."""
    from wizard.core.verify_report import count_text, report_counts

    http = FakeHttp({HEALTH: [HttpResult(200)], FRONT: [HttpResult(200)]})
    report = await verify(project, ENV, ports(deployed(), http), poll_interval=0)
    statuses = [c.status for c in report.checks]
    assert "warn" in statuses and "pass" in statuses
    counts = report.counts()
    assert counts == {"passed": statuses.count("pass"), "warned": statuses.count("warn"),
                      "failed": statuses.count("fail"), "skipped": statuses.count("skip")}
    assert report.count_text().startswith(f"{counts['passed']} passed, {counts['warned']} warned, 0 failed")
    assert f"checks: {report.count_text()}" in report.lines()
    as_json = report.to_json()
    assert report_counts(as_json) == counts
    assert report_counts({k: v for k, v in as_json.items() if k != "counts"}) == counts  # older records
    assert count_text({"passed": 2, "warned": 3, "failed": 0, "skipped": 0}) == "2 passed, 3 warned, 0 failed"


async def test_telephony_number_not_owned_by_the_resource(project: Project) -> None:
    http = FakeHttp({HEALTH: [HttpResult(200)], FRONT: [HttpResult(200)]})
    env = {**ENV, "ACS_SOURCE_PHONE_NUMBER": "+14165551234"}
    report = await verify(project, env, ports(deployed(), http, ["+18335550100"]), poll_interval=0)
    check = next(c for c in report.checks if c.id == "telephony")
    assert check.status == "warn" and "not among the numbers purchased" in check.detail


async def test_env_endpoints_and_lines(project: Project) -> None:
    http = FakeHttp({HEALTH: [HttpResult(200)], FRONT: [HttpResult(200)]})
    env = {**ENV, "FRONTEND_CONTAINER_APP_URL": "https://custom.example.com"}
    report = await verify(project, env, ports(deployed(), http), poll_interval=0)
    assert report.endpoints["frontend"] == "https://custom.example.com"
    text = "\n".join(report.lines())
    assert "endpoint backend_health: " + HEALTH in text and "telephony: disabled" in text


def test_placeholder_detection_and_listening_port(project: Project) -> None:
    assert is_placeholder_image(PLACEHOLDER)
    assert is_placeholder_image("mcr.microsoft.com/k8se/quickstart:latest")
    assert not is_placeholder_image("crabc.azurecr.io/app:1")
    assert listening_port(project, project.service("rtaudio-server")) == 8000
    assert listening_port(project, project.service("rtaudio-client")) == 8080
