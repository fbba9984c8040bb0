"""End to end, the real CLI as a subprocess on the simulator: sign in with `deploy-wizard login`
and a following run passes; buy a number (no phrase: exit 2, nothing bought; the phrase: bought and
applied), list it, release it; with azd off PATH the plain path names azd and how to install it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.helpers import last_line, run_wizard, summaries
from wizard.core.preflight.toolbox import install_command
from wizard.simulator.fakes import simulated_ports
from wizard.simulator.sample import copy_sample

pytestmark = pytest.mark.slow


def test_login_on_not_logged_in_then_a_run_passes(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    common = ("-C", str(project), "--simulate", "not-logged-in")
    before = run_wizard("run", "--plain", *common, "-e", "dev", "--create", "--location", "eastus2", "--yes")
    assert before.returncode == 1 and "signin.azd" in last_line(before.stdout)
    assert "deploy-wizard login" in before.stdout  # the next action, on the failure itself
    login = run_wizard("login", *common)
    assert login.returncode == 0, login.stderr
    assert "Logged in to Azure." in login.stdout and "✓ azd auth login" in login.stderr
    state = json.loads((project / ".azure" / "simulator-signin.json").read_text())
    assert state["azd"]["signed_in"] is True
    after = run_wizard("run", "--plain", *common, "-e", "dev", "--yes")
    assert after.returncode == 0, after.stdout[-3000:]
    assert summaries(project)[-1]["ok"] is True


def test_login_device_code_and_tenant(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    tenant = "22222222-2222-2222-2222-222222222222"
    out = run_wizard("login", "-C", str(project), "--simulate", "not-logged-in", "--use-device-code", "--tenant-id", tenant)
    assert out.returncode == 0, out.stderr
    assert "Start by copying the next code: SIMD3V1CE" in out.stdout
    assert f"$ azd auth login --use-device-code --tenant-id {tenant}" in out.stderr
    assert json.loads((project / ".azure" / "simulator-signin.json").read_text())["azd"]["tenant"] == tenant
    assert "your account has 2 tenants" in out.stderr


def test_buy_needs_the_phrase_then_applies_lists_and_releases(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    common = ("-C", str(project), "--simulate", "-e", "dev")
    assert run_wizard("run", "--plain", *common[:-2], "-e", "dev", "--create", "--location", "eastus2", "--yes").returncode == 0
    offer = run_wizard("phone", *common, "--buy", "--country", "US", "--type", "toll-free")
    assert offer.returncode == 2, offer.stderr
    assert "cost: 2.00 USD per month" in offer.stdout and "nothing bought" in offer.stdout
    phrase = offer.stdout.split("--confirm ")[-1].strip().strip("'")
    number = phrase.removeprefix("buy ")
    ports = simulated_ports(project, "dev").phone_numbers_for("x")
    assert number not in [n.number for n in ports.list_numbers()]
    wrong = run_wizard("phone", *common, "--buy", "--country", "US", "--type", "toll-free", "--confirm", "buy it")
    assert wrong.returncode == 2 and number not in [n.number for n in ports.list_numbers()]
    bought = run_wizard("phone", *common, "--buy", "--country", "US", "--type", "toll-free", "--confirm", phrase)
    assert bought.returncode == 0, bought.stdout + bought.stderr
    assert f"bought {number}" in bought.stdout and f"Telephony enabled: calls use {number}" in bought.stdout
    assert f'ACS_SOURCE_PHONE_NUMBER="{number}"' in (project / ".azure" / "dev" / ".env").read_text()
    listed = run_wizard("phone", *common)
    assert listed.returncode == 0 and f"{number}  toll-free  calls in+out" in listed.stdout and "in use" in listed.stdout
    no = run_wizard("phone", *common, "--release", number)
    assert no.returncode == 2 and number in [n.number for n in ports.list_numbers()]
    released = run_wizard("phone", *common, "--release", number, "--confirm", f"release {number}")
    assert released.returncode == 0, released.stderr
    assert number not in [n.number for n in ports.list_numbers()]


def test_plain_with_azd_off_path_names_it_and_how_to_install(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    empty = tmp_path / "bin"
    empty.mkdir()
    out = run_wizard("run", "--plain", "-C", str(project), "-e", "dev", "--create", "--location", "eastus2", PATH=str(empty))
    assert out.returncode == 2
    assert "Azure Developer CLI (azd)" in out.stderr and install_command("azd", sys.platform) in out.stderr
    assert not (project / ".azure").exists()  # nothing ran


def test_login_signs_in_az_too_when_the_hooks_call_it(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    script = project / "devops" / "scripts" / "azd" / "postprovision.sh"
    script.write_text(script.read_text() + "\naz account show --output none\n")
    common = ("-C", str(project), "--simulate", "not-logged-in")
    before = json.loads(run_wizard("preflight", *common, "--json").stdout)
    checks = {c["id"]: c for c in before["checks"]}
    assert checks["signin.az"]["status"] == "fail" and "deploy-wizard login" in checks["signin.az"]["fix"]
    login = run_wizard("login", *common, "--browser")
    assert login.returncode == 0, login.stderr
    assert "$ az login" in login.stderr and "✓ az login: signed in" in login.stderr
    after = {c["id"]: c for c in json.loads(run_wizard("preflight", *common, "--json").stdout)["checks"]}
    assert after["signin.azd"]["status"] == "pass" and after["signin.az"]["status"] == "pass"
