"""Verify on hosts other than Container Apps: the endpoint azd deployed each service to answers.

End to end on a fixture with two App Service apps (`app-web-…` and `app-api-…`, both on
azurewebsites.net, the shape of the todo templates), and the rules one by one.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.helpers import run_wizard
from wizard.core.parse import OutputParser
from wizard.core.ports import HttpResult
from wizard.core.project import Service
from wizard.core.verify_hosts import check_hosted_service, service_endpoint

PROJECTS = Path(__file__).parent / "fixtures" / "projects"


class Answers:
    def __init__(self, result: HttpResult) -> None:
        self.result = result
        self.asked: list[str] = []

    def get(self, url: str, timeout: float = 10.0) -> HttpResult:
        self.asked.append(url)
        return self.result


def test_app_service_apps_are_verified_by_their_own_endpoints(tmp_path: Path) -> None:
    project = tmp_path / "tf-modules"
    shutil.copytree(PROJECTS / "tf-modules", project)
    result = run_wizard("run", "--plain", "--simulate", "-C", str(project), "-e", "dev", "--create",
                        "--location", "eastus2", "--yes")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    verify = result.stdout.split("Verify ──", 1)[1].split("── Summary", 1)[0]
    assert "web: App Service answers — https://app-web-" in verify
    assert "api: App Service answers — https://app-api-" in verify  # not web's URL: "azurewebsites" holds "web"
    assert "not checked" not in verify
    [run] = (project / ".azure" / "dev" / "wizard" / "runs").iterdir()
    summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))
    endpoints = summary["deployed_endpoints"]
    assert endpoints["api"].startswith("https://app-api-") and endpoints["web"].startswith("https://app-web-")
    env = (project / ".azure" / "dev" / ".env").read_text(encoding="utf-8")
    assert 'API_BASE_URL="https://app-api-' in env  # the simulator made the output the api's URL


def test_an_endpoint_line_belongs_to_the_service_named_in_its_host_as_a_whole_word() -> None:
    parser = OutputParser("deploy")
    parser.services = ["web", "api", "rtaudio-client"]
    for line in ("  web: Done [25s]", "  api: Done [50s]", "  rtaudio-client: Done [51s]",
                 "- Endpoint: https://app-api-x1.azurewebsites.net/",
                 "- Endpoint: https://ca-rtaudio-client-x1.eastus2.azurecontainerapps.io/",
                 "- Endpoint: https://app-web-x1.azurewebsites.net/"):
        parser.feed(line)
    assert parser.endpoints == {
        "api": "https://app-api-x1.azurewebsites.net/",
        "rtaudio-client": "https://ca-rtaudio-client-x1.eastus2.azurecontainerapps.io/",
        "web": "https://app-web-x1.azurewebsites.net/",
    }


def test_the_endpoint_comes_from_the_deploy_else_from_an_output_named_for_the_service() -> None:
    env = {"API_BASE_URL": "https://app-api-x1.azurewebsites.net", "REACT_APP_WEB_BASE_URL": "https://web.example",
           "SERVICE_WORKER_ENDPOINTS": '["https://worker.example/"]', "AZURE_KEY_VAULT_ENDPOINT": "https://kv.example"}
    assert service_endpoint("api", {"api": "https://deployed.example/"}, env) == "https://deployed.example/"
    assert service_endpoint("api", {}, env) == "https://app-api-x1.azurewebsites.net"
    assert service_endpoint("web", {}, env) == "https://web.example"
    assert service_endpoint("worker", {}, env) == "https://worker.example/"
    assert service_endpoint("ault", {}, env) is None  # a whole name: KEY_VAULT_ENDPOINT is not `ault`'s
    assert service_endpoint("db", {}, {"DB_URL": "not a url"}) is None


async def test_grades_an_answer_no_answer_and_an_unknown_endpoint() -> None:
    func = Service(name="api", project="src/api", language="js", host="function")
    ok = await check_hosted_service(func, "https://f.example/", Answers(HttpResult(200, "hi")))
    assert (ok.status, ok.title) == ("pass", "api: Function App answers")
    locked = await check_hosted_service(func, "https://f.example/", Answers(HttpResult(401)))
    assert locked.status == "pass" and "sign-in in front of it" in locked.detail
    down = await check_hosted_service(func, "https://f.example/", Answers(HttpResult(503)))
    assert down.status == "warn" and "HTTP 503" in down.detail and "azd monitor --logs" in (down.fix or "")
    silent = await check_hosted_service(func, "https://f.example/", Answers(HttpResult(None, error="timed out")))
    assert silent.status == "warn" and "timed out" in silent.detail
    unknown = await check_hosted_service(func, None, Answers(HttpResult(200)))
    assert unknown.status == "skip" and "no endpoint is known" in unknown.detail
