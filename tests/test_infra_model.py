"""The infra model (wizard.core.infra) on shapes public azd templates use, and the preflight checks
that read it: no false FAIL or warning for alternatives, call-site tags, literal defaults,
chained hook commands, service hooks, condition-gated services; quota from arrays."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.test_preflight import HEALTHY_ENV, FakeTools, make_ctx, results_of
from wizard.core.infra import read_infra
from wizard.core.infra.evaluate import Evaluator, Unknown
from wizard.core.infra.expr import BICEP, HCL, parse
from wizard.core.project import load_project

PROJECTS = Path(__file__).parent / "fixtures" / "projects"
ENV = {"AZURE_ENV_NAME": "dev", "AZURE_LOCATION": "eastus2"}


def copy_project(tmp_path: Path, name: str) -> Path:
    dest = tmp_path / name
    shutil.copytree(PROJECTS / name, dest)
    return dest


def _eval(text: str, dialect: str, names: dict[str, object] | None = None) -> object:
    from wizard.core.infra.functions import BICEP_FUNCTIONS, HCL_FUNCTIONS

    scope = names or {}
    funcs = BICEP_FUNCTIONS if dialect == BICEP else HCL_FUNCTIONS
    return Evaluator(lambda n: scope.get(n, Unknown(n)), funcs).eval(parse(text, dialect))


def test_expressions_of_both_dialects() -> None:
    assert _eval("'${a}-${toLower(b)}'", BICEP, {"a": "x", "b": "Y"}) == "x-y"
    assert _eval("union(t, { 'azd-service-name': 'web' })", BICEP, {"t": {"env": "dev"}}) == {
        "env": "dev", "azd-service-name": "web"}
    assert _eval("c == 'a' ? 1 : 2", BICEP, {"c": "A"}) == 1  # Bicep compares strings case-insensitively
    assert _eval('merge(local.tags, { azd-service-name = "web" })', HCL, {"local": {"tags": {"e": "d"}}}) == {
        "e": "d", "azd-service-name": "web"}
    assert _eval("var.on ? 1 : 0", HCL, {"var": {"on": "false"}}) == 0  # HCL converts "false"
    assert isinstance(_eval("x.properties.fqdn", BICEP), Unknown)  # a runtime value stays unknown
    assert _eval("[for d in ds: d.name]", BICEP, {"ds": [{"name": "a"}, {"name": "b"}]}) == ["a", "b"]


def test_bicep_modules_conditions_registry_and_arrays() -> None:
    model = read_infra(load_project(PROJECTS / "bicep-shapes"), ENV)
    by_symbol = {r.symbol: r for r in model.resources}
    web_aca, web_app = by_symbol["webOnContainerApps.app"], by_symbol["webOnAppService.site"]
    # the template's own names: abbreviations.json prefixes and its resource token
    assert web_aca.name and web_aca.name.startswith("ca-web-") and len(web_aca.name) == len("ca-web-") + 13
    assert by_symbol["rg"].name == "rg-dev" and by_symbol["rg"].tags == {"azd-env-name": "dev"}
    assert (web_aca.active, web_app.active) == (True, False)  # `= if (hostKind == ...)` evaluated
    assert web_aca.service_tag == web_app.service_tag == "web" and web_aca.target_port == 3000
    assert web_app.display == "App Service" and web_aca.display == "Container App"
    # a registry module by its resource type, with the name passed to it
    assert by_symbol["vault"].arm_type == "Microsoft.KeyVault/vaults" and by_symbol["vault"].name.startswith("kv-")
    # model deployments from an array passed to a module and looped over there
    assert [m.as_dict() for m in model.models] == [
        {"name": "gpt-4o-mini", "sku_name": "GlobalStandard", "capacity": 30},
        {"name": "text-embedding-3-small", "sku_name": "Standard", "capacity": 20}]
    assert {"ai.deployment[0]", "ai.deployment[1]"} <= set(by_symbol)
    assert model.outputs["AZURE_KEY_VAULT_NAME"] == by_symbol["vault"].name
    assert model.outputs["SERVICE_WEB_NAME"] == web_aca.name
    assert model.providers_complete and not model.unmodelled
    # the parameters file's `${WEB_HOST=...}` takes the environment's value
    other = read_infra(load_project(PROJECTS / "bicep-shapes"), {**ENV, "WEB_HOST": "appservice"})
    flipped = {r.symbol: r.active for r in other.resources}
    assert (flipped["webOnContainerApps.app"], flipped["webOnAppService.site"]) == (False, True)


def test_unknown_registry_module_is_listed_and_providers_cannot_tell(tmp_path: Path) -> None:
    root = copy_project(tmp_path, "bicep-shapes")
    main = root / "infra/main.bicep"
    main.write_text(main.read_text() + "\nmodule stack 'br/public:avm/ptn/example/stack:0.1.0' = {\n"
                    "  name: 'stack'\n  scope: rg\n  params: {}\n}\n")
    model = read_infra(load_project(root), ENV)
    assert not model.providers_complete
    assert any("main.bicep:" in t and "avm/ptn/example/stack" in t for t in model.unmodelled_text())


def test_terraform_local_modules_call_site_tags_and_count() -> None:
    model = read_infra(load_project(PROJECTS / "tf-modules"), ENV)
    by_symbol = {r.symbol: r for r in model.resources}
    web = by_symbol["module.web.azurerm_linux_web_app.app"]
    assert web.service_tag == "web" and web.arm_type == "Microsoft.Web/sites" and web.name.startswith("app-web-")
    assert web.tag_where is not None and web.tag_where.file.name == "main.tf"  # where the tag is written
    assert by_symbol["module.api.azurerm_linux_web_app.app"].service_tag == "api"
    assert by_symbol["azurerm_redis_cache.cache"].active is False  # count = var.use_cache ? 1 : 0, default false
    assert set(model.namespaces) == {"Microsoft.Web", "Microsoft.Cache", "Microsoft.CognitiveServices"}
    # for_each over a variable's default, with each.value in the body
    assert by_symbol['azurerm_cognitive_deployment.model["gpt-4o-mini"]'].name == "gpt-4o-mini"
    assert [m.as_dict() for m in model.models] == [
        {"name": "gpt-4o-mini", "sku_name": "GlobalStandard", "capacity": 10},
        {"name": "text-embedding-3-small", "sku_name": "Standard", "capacity": 5}]


# -- preflight on the model ----------------------------------------------------------------------
async def test_alternatives_behind_conditions_are_not_a_duplicate(tmp_path: Path) -> None:
    root = copy_project(tmp_path, "bicep-shapes")
    r = (await results_of(make_ctx(root), "project.service_tags"))["project.service_tags"]
    assert r.status == "pass", r.detail
    assert "web → webOnContainerApps.app" in r.detail
    # a condition the read cannot evaluate: the two alternatives are "one of", still not a duplicate
    main = root / "infra/main.bicep"
    main.write_text(main.read_text().replace("param hostKind string = 'containerapps'", "param hostKind string"))
    (root / "infra/main.parameters.json").write_text(json.dumps({"parameters": {}}))
    r = (await results_of(make_ctx(root), "project.service_tags"))["project.service_tags"]
    assert r.status == "pass" and "one of" in r.detail, r.detail


async def test_condition_gated_service_is_skipped(tmp_path: Path) -> None:
    root = copy_project(tmp_path, "bicep-shapes")
    main = root / "infra/main.bicep"
    main.write_text(main.read_text().replace("serviceName: 'worker'", "serviceName: 'other'"))
    r = (await results_of(make_ctx(root), "project.service_tags"))["project.service_tags"]
    assert r.status == "pass" and "skipped (condition false): worker" in r.detail, r.detail
    r = (await results_of(make_ctx(root, values={**HEALTHY_ENV, "USE_WORKER": "true"}), "project.service_tags"))[
        "project.service_tags"]
    assert r.status == "fail" and "azd-service-name = worker" in r.detail


async def test_literal_defaults_and_call_site_tags_are_verified(tmp_path: Path) -> None:
    root = copy_project(tmp_path, "tf-modules")
    r = (await results_of(make_ctx(root), "project.service_tags"))["project.service_tags"]
    assert r.status == "pass" and "module.web.azurerm_linux_web_app.app (infra/main.tf:27)" in r.detail, r.detail
    bicep = copy_project(tmp_path, "bicep-shapes")
    app = bicep / "infra/app/containerapp.bicep"
    app.write_text(app.read_text().replace("param serviceName string", "param serviceName string = 'worker'"))
    main = bicep / "infra/main.bicep"
    main.write_text(main.read_text().replace("    serviceName: 'worker'\n", ""))
    r = (await results_of(make_ctx(bicep, values={**HEALTHY_ENV, "USE_WORKER": "1"}), "project.service_tags"))[
        "project.service_tags"]
    assert r.status == "pass" and "worker → worker.app" in r.detail, r.detail


async def test_unverifiable_detail_names_each_resource_once(tmp_path: Path) -> None:
    root = copy_project(tmp_path, "tf-modules")
    main = root / "infra/main.tf"
    main.write_text(main.read_text().replace('merge(local.tags, { azd-service-name : "web" })', "var.web_tags")
                    .replace('merge(local.tags, { "azd-service-name" : "api" })', "var.web_tags"))
    r = (await results_of(make_ctx(root), "project.service_tags"))["project.service_tags"]
    assert r.status == "warn" and r.detail.startswith("web, api: no literal tag"), r.detail
    assert r.detail.count("module.web.azurerm_linux_web_app.app") == 1


async def test_chained_hook_commands_and_service_hooks_are_found(tmp_path: Path) -> None:
    root = copy_project(tmp_path, "bicep-shapes")
    r = (await results_of(make_ctx(root), "project.hook_scripts"))["project.hook_scripts"]
    assert r.status == "pass", r.detail  # first.sh: no #!, no run bit, but `chmod` and sh start it
    assert "3 script(s)" in r.detail
    (root / "src/web/prep.sh").unlink()
    r = (await results_of(make_ctx(root), "project.hook_scripts"))["project.hook_scripts"]
    assert r.status == "fail" and r.detail == "missing: src/web/prep.sh"  # once, in the service's folder


async def test_quota_reads_model_deployments_passed_as_an_array(tmp_path: Path) -> None:
    root = copy_project(tmp_path, "bicep-shapes")
    rows = json.dumps([{"name": {"value": "OpenAI.GlobalStandard.gpt-4o-mini"}, "currentValue": 0, "limit": 10},
                       {"name": {"value": "OpenAI.Standard.text-embedding-3-small"}, "currentValue": 0, "limit": 100}])
    tools = FakeTools(answers={"az cognitiveservices": (0, rows)})
    r = (await results_of(make_ctx(root, tools=tools), "subscription.quota"))["subscription.quota"]
    assert r.status == "warn" and "gpt-4o-mini (GlobalStandard): 10 free of 10 (used 0), needs 30" in r.detail


@pytest.mark.parametrize("template", ["bicep-shapes", "tf-modules"])
def test_reads_are_hermetic(template: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_ENV_NAME", "elsewhere")
    monkeypatch.setenv("WEB_HOST", "appservice")
    model = read_infra(load_project(PROJECTS / template), ENV)
    assert all("elsewhere" not in (r.name or "") for r in model.resources)


async def test_infra_read_check_lists_what_is_not_modelled(tmp_path: Path) -> None:
    root = copy_project(tmp_path, "bicep-shapes")
    r = (await results_of(make_ctx(root), "project.infra_read"))["project.infra_read"]
    assert r.status == "pass" and r.detail.startswith("7 resource(s) in 4 bicep file(s)"), r.detail
    main = root / "infra/main.bicep"
    main.write_text(main.read_text() + "\nmodule stack 'br/public:avm/ptn/example/stack:0.1.0' = {\n"
                    "  name: 'stack'\n  scope: rg\n  params: {}\n}\n")
    r = (await results_of(make_ctx(root), "project.infra_read"))["project.infra_read"]
    assert r.status == "warn" and "infra/main.bicep:" in r.detail and "avm/ptn/example/stack" in r.detail
