"""Phone setup: E.164 messages, listing/buying/releasing through the port, the apply plan, the restart."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers import FakeApps, FakePhones, fake_ports, voice_agent_yaml
from wizard.core.phone import (
    ENV_KEY,
    PURCHASE_WARNING,
    ConfirmationError,
    PhoneService,
    normalize_e164,
    plan_phone_apply,
    restart_backend,
    telephony_status,
    validate_e164,
)
from wizard.core.ports import ContainerAppInfo, PhoneNumber, RevisionInfo
from wizard.core.project import parse_azure_yaml

# -- E.164 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["+14165551234", "+18001234567", "+442071838750", "+123456789012345"])
def test_valid_numbers(number: str) -> None:
    assert validate_e164(number) is None
    assert validate_e164(f"  {number} ") is None


def test_spaces_dashes_and_too_short_named_precisely() -> None:
    message = validate_e164("+1 416-555")
    assert message is not None
    assert message.startswith("contains a space and a dash: write the digits without separators")
    assert "too short: 7 digits, need 10-15" in message


def test_single_space_and_dash() -> None:
    assert "contains a space:" in (validate_e164("+1416555 1234") or "")
    assert "contains dashes:" in (validate_e164("+1-416-5551234") or "")


def test_missing_plus_suggests_the_fix() -> None:
    message = validate_e164("14165551234") or ""
    assert message.startswith("missing '+'")
    assert "did you mean +14165551234?" in message


def test_missing_plus_without_guessable_country_gives_no_suggestion() -> None:
    message = validate_e164("4165551234") or ""
    assert "missing '+'" in message
    assert "did you mean" not in message


def test_parentheses_spaces_dashes_with_suggestion() -> None:
    message = validate_e164("+1 (416) 555-1234") or ""
    assert "contains spaces, parentheses and a dash" in message
    assert "too short" not in message and "too long" not in message
    assert "did you mean +14165551234?" in message


def test_too_short_and_too_long() -> None:
    assert "too short: 9 digits, need 10-15" in (validate_e164("+123456789") or "")
    assert "too long: 16 digits, E.164 allows at most 15" in (validate_e164("+1234567890123456") or "")


def test_letters_and_other_characters() -> None:
    message = validate_e164("+1416555CALL") or ""
    assert "'A'" in message and "'C'" in message and "'L'" in message
    assert "only digits may follow '+'" in message
    assert "contains '+'" in (validate_e164("+1416+5551234") or "")


def test_empty_and_00_prefix() -> None:
    assert "e.g. +14165551234" in (validate_e164("") or "")
    assert "e.g." in (validate_e164(None) or "")
    message = validate_e164("0014165551234") or ""
    assert "starts with 00" in message and "did you mean +14165551234?" in message


def test_normalize() -> None:
    assert normalize_e164("+1 (416) 555-1234") == "+14165551234"
    assert normalize_e164("1-416-555-1234") == "+14165551234"
    assert normalize_e164("416 555 1234") is None
    assert normalize_e164("+1 416-555") is None


@given(st.text(alphabet="+0123456789 -()a.", max_size=20))
def test_validate_agrees_with_the_hook_regex(text: str) -> None:
    valid = re.fullmatch(r"\+[0-9]{10,15}", text.strip()) is not None
    message = validate_e164(text)
    assert (message is None) == valid
    if message is not None:
        assert message.strip()


# -- telephony status ---------------------------------------------------------------------------


def test_telephony_status() -> None:
    enabled, reason = telephony_status({})
    assert not enabled and ENV_KEY in reason and "deploy-wizard phone" in reason
    enabled, reason = telephony_status({ENV_KEY: "+1 416", "ACS_ENDPOINT": "https://acs"})
    assert not enabled and "not valid E.164" in reason
    enabled, reason = telephony_status({ENV_KEY: "+14165551234"})
    assert not enabled and "ACS_ENDPOINT" in reason
    enabled, reason = telephony_status({ENV_KEY: "+14165551234", "ACS_ENDPOINT": "https://acs"})
    assert enabled and "+14165551234" in reason


# -- the service over a fake port ---------------------------------------------------------------


def test_list_shows_callable_numbers_first() -> None:
    port = FakePhones([PhoneNumber("+18005550000", calling="outbound"), PhoneNumber("+18335550199")])
    service = PhoneService(port)
    listed = service.list_numbers()
    assert [n.number for n in listed] == ["+18335550199", "+18005550000"]
    assert listed[0].can_call and not listed[1].can_call
    assert [n.number for n in service.callable_numbers()] == ["+18335550199"]


def test_search_returns_cost_warning_and_phrase() -> None:
    port = FakePhones()
    offer = PhoneService(port).search("us", "toll-free", "833")
    assert port.searches == [("US", "toll-free", "833")]
    assert offer.monthly_cost == "2.00 USD"
    assert offer.warning == PURCHASE_WARNING and "flagged" in offer.warning
    assert offer.confirmation_phrase == "buy +18335550100"
    text = "\n".join(offer.lines())
    assert "2.00 USD per month" in text and "flagged" in text and "type exactly: buy +18335550100" in text


@pytest.mark.parametrize(
    ("country", "kind", "area", "message"),
    [("USA", "toll-free", None, "two-letter"), ("US", "mobile", None, "toll-free or geographic"), ("US", "geographic", "41a", "digits only")],
)
def test_search_rejects_bad_input(country: str, kind: str, area: str | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PhoneService(FakePhones()).search(country, kind, area)


def test_search_with_nothing_available() -> None:
    with pytest.raises(LookupError, match="no geographic numbers available in CA with area code 416"):
        PhoneService(FakePhones(available=())).search("CA", "geographic", "416")


def test_purchase_only_with_the_typed_confirmation() -> None:
    port = FakePhones()
    service = PhoneService(port)
    offer = service.search("US", "tollfree", None)
    for typed in ("", "yes", "buy", "buy +18335550101", "BUY +18335550100"):
        with pytest.raises(ConfirmationError, match="type exactly 'buy \\+18335550100'"):
            service.purchase(offer, typed)
    assert port.purchases == []
    assert service.purchase(offer, "buy +18335550100") == ("+18335550100",)
    assert port.purchases == [("search-1", {})]
    assert [n.number for n in service.list_numbers()] == ["+18335550100"]


def test_purchase_passes_the_resale_agreement_only_when_required() -> None:
    port = FakePhones(available=("+33123456789", "+33123456780"), agreement=True)
    service = PhoneService(port)
    offer = service.search("FR", "geographic", None)
    assert offer.confirmation_phrase == "buy 2 numbers"
    assert any("resell" in line for line in offer.lines())
    service.purchase(offer, "buy 2 numbers")
    assert port.purchases == [("search-1", {"agree_to_not_resell": True})]


def test_release_needs_its_phrase() -> None:
    port = FakePhones([PhoneNumber("+18335550100")])
    service = PhoneService(port)
    with pytest.raises(ConfirmationError, match="release \\+18335550100"):
        service.release("+18335550100", "yes")
    assert port.released == []
    assert service.release("+18335550100", "release +18335550100") == "released +18335550100"
    assert service.list_numbers() == []


# -- apply plan ---------------------------------------------------------------------------------

AZURE_YAML = voice_agent_yaml() + """\
hooks:
  postprovision:
    shell: sh
    run: devops/scripts/azd/postprovision.sh
    interactive: true
"""


def make_project(root: Path, *, hook_text: str | None = "az appconfig kv set --key azure/acs/source-phone-number --value \"$ACS_SOURCE_PHONE_NUMBER\"\n", yaml_text: str = AZURE_YAML):
    root.mkdir(parents=True, exist_ok=True)
    (root / "azure.yaml").write_text(yaml_text, encoding="utf-8")
    if hook_text is not None:
        script = root / "devops/scripts/azd/postprovision.sh"
        script.parent.mkdir(parents=True, exist_ok=True)
        script.write_text("#!/bin/bash\n" + hook_text, encoding="utf-8")
    return parse_azure_yaml(root / "azure.yaml")


def test_plan_uses_the_hook_when_it_writes_the_number(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    plan = plan_phone_apply(project, {"AZURE_ENV_NAME": "dev"}, "+14165551234")
    assert plan.env_key == "ACS_SOURCE_PHONE_NUMBER"
    assert list(plan.push_command) == ["hooks", "run", "postprovision"]
    assert plan.uses_hook
    assert plan.restart_service == "rtaudio-server"
    text = " ".join(plan.explanation)
    assert "azure/acs/source-phone-number" in text and "(label dev)" in text and "only when it starts" in text


def test_plan_falls_back_to_provision(tmp_path: Path) -> None:
    project = make_project(tmp_path, hook_text="echo nothing about phones\n")
    plan = plan_phone_apply(project, {}, "+14165551234")
    assert list(plan.push_command) == ["provision"]
    no_hook = make_project(tmp_path / "other", hook_text=None, yaml_text=AZURE_YAML.split("hooks:")[0])
    assert list(plan_phone_apply(no_hook, {}, "+14165551234").push_command) == ["provision"]


def test_plan_finds_the_backend_by_resource_name(tmp_path: Path) -> None:
    yaml_text = AZURE_YAML.replace("rtaudio-server:", "voice:").replace("    host: containerapp\n    docker", "    host: containerapp\n    resourceName: ca-voice\n    docker")
    project = make_project(tmp_path, yaml_text=yaml_text)
    assert plan_phone_apply(project, {"BACKEND_CONTAINER_APP_NAME": "ca-voice"}, "+14165551234").restart_service == "voice"
    assert plan_phone_apply(project, {}, "+14165551234").restart_service is None


def test_plan_refuses_an_invalid_number(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="too short"):
        plan_phone_apply(make_project(tmp_path), {}, "+1 416-555")


# -- restart ------------------------------------------------------------------------------------


def _backend() -> ContainerAppInfo:
    return ContainerAppInfo(
        name="artagent-backend-abc",
        resource_group="rg-dev",
        image="cr.azurecr.io/backend:1",
        target_port=8000,
        fqdn="artagent-backend-abc.io",
        tags={"azd-service-name": "rtaudio-server"},
        revisions=(
            RevisionInfo("artagent-backend-abc--old", active=False, healthy=False, running_state="Stopped", replicas=0),
            RevisionInfo("artagent-backend-abc--v2", active=True, healthy=True, running_state="Running", replicas=5),
        ),
    )


async def test_restart_by_app_name_and_by_service_tag() -> None:
    apps = FakeApps([_backend()])
    env = {"AZURE_RESOURCE_GROUP": "rg-dev"}
    text = await restart_backend(fake_ports(apps), env, "artagent-backend-abc")
    assert text == "restarted revision artagent-backend-abc--v2 of artagent-backend-abc"
    await restart_backend(fake_ports(apps), env, "rtaudio-server")
    assert apps.restarted == [("rg-dev", "artagent-backend-abc", "artagent-backend-abc--v2")] * 2


async def test_restart_problems_are_described_not_raised() -> None:
    env = {"AZURE_RESOURCE_GROUP": "rg-dev"}
    assert (await restart_backend(fake_ports(FakeApps([])), {}, "x")).startswith("not restarted: no resource group tagged azd-env-name=")
    missing = await restart_backend(fake_ports(FakeApps([_backend()])), env, "nope")
    assert missing.startswith("not restarted: no Container App named or tagged 'nope'") and "az containerapp revision restart" in missing
    failing = await restart_backend(fake_ports(FakeApps([_backend()], restart_error=RuntimeError("AuthorizationFailed: no"))), env, "rtaudio-server")
    assert "AuthorizationFailed" in failing and "--revision artagent-backend-abc--v2" in failing
