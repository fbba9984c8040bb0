"""Sign-in plans (device code for remote sessions, tenant, az when the project needs it), reading
the device code from azd's and az's output, and each first-time failure's next action."""

from __future__ import annotations

from pathlib import Path

from wizard.backends import BackendChoice, backend_for
from wizard.core.events import Failure
from wizard.core.next_action import FIX_CHECK, INSTALL, PICK_REGION, SIGN_IN, next_action
from wizard.core.preflight.toolbox import install_hint
from wizard.core.signin import DeviceCodeReader, plan_sign_in, remote_session

SIM = backend_for(BackendChoice(simulate=True, speed=0))


def never(path: str) -> bool:
    return False


def test_remote_sessions_default_to_the_device_code() -> None:
    assert remote_session({}, never) is None
    assert remote_session({"SSH_CONNECTION": "10.0.0.2 5022 10.0.0.1 22"}, never) == "an SSH session (SSH_CONNECTION)"
    assert remote_session({"CODESPACES": "true"}, never) == "GitHub Codespaces (CODESPACES)"
    assert remote_session({"CODESPACES": "false"}, never) is None
    assert remote_session({"REMOTE_CONTAINERS": "true"}, never).startswith("a VS Code dev container")
    assert remote_session({}, lambda p: p == "/.dockerenv") == "a Docker container (/.dockerenv)"


def test_plans(tmp_path: Path) -> None:
    local = plan_sign_in(SIM, tmp_path, environ={}, exists=never)
    assert [c.display for c in local.commands] == ["azd auth login"] and not local.device_code
    ssh = plan_sign_in(SIM, tmp_path, environ={"SSH_TTY": "/dev/pts/0"}, exists=never, tenant="t-1", az_because="the hooks call az")
    assert [c.display for c in ssh.commands] == ["azd auth login --use-device-code --tenant-id t-1",
                                                  "az login --use-device-code --tenant t-1"]
    assert "an SSH session (SSH_TTY)" in "\n".join(ssh.lines())
    forced = plan_sign_in(SIM, tmp_path, device_code=False, environ={"SSH_TTY": "x"}, exists=never)
    assert not forced.device_code  # --browser wins over the detection
    piped = plan_sign_in(SIM, tmp_path, device_code=False, piped=True, environ={}, exists=never)
    assert piped.device_code and piped.commands[0].argv[-1] == "--no-prompt"  # azd prints the code, no Enter wait
    assert list(piped.commands[0].argv[:3]) == list(SIM.azd_command[:3])


def test_device_codes_are_read_from_azd_and_az_output() -> None:
    reader = DeviceCodeReader("azd")
    assert reader.feed("Start by copying the next code: FD9EAW26Z") is not None
    prompt = reader.feed("Then, go to: https://microsoft.com/devicelogin")
    assert prompt is None or prompt.code == "FD9EAW26Z"
    assert reader.code == "FD9EAW26Z" and reader.url == "https://microsoft.com/devicelogin"
    az = DeviceCodeReader("az").feed(
        "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code "
        "BZ4MVCCE8 to authenticate.")
    assert az is not None and az.code == "BZ4MVCCE8" and az.tool == "az"
    assert DeviceCodeReader().feed("Logged in to Azure.") is None


def failure(target: str | None = None, kb: str | None = None) -> Failure:
    return Failure(step="provision", target=target, cause="x", kb_id=kb)


def test_every_first_time_failure_has_its_next_action() -> None:
    assert next_action(failure(kb="not-logged-in"), env="dev").command == "deploy-wizard login -e dev"
    assert next_action(failure(kb="az-not-logged-in")).id == SIGN_IN
    assert next_action(failure("check:signin.azd", "preflight.signin.azd")).id == SIGN_IN
    missing = next_action(failure("check:tools.terraform", "preflight.tools.terraform"), platform="darwin")
    assert missing.id == INSTALL and missing.tool == "terraform" and missing.command == install_hint("terraform", "darwin")
    assert next_action(failure(kb="terraform-missing")).tool == "terraform"
    assert next_action(failure(kb="insufficient-quota")).id == PICK_REGION
    assert next_action(failure("check:subscription.providers", "preflight.subscription.providers"), fixable=True).id == FIX_CHECK
    assert next_action(failure("check:subscription.providers", "preflight.subscription.providers")) is None
    assert next_action(failure("service:web", "missing-service-tag")) is None  # its fix text says what to do
    assert next_action(None) is None
