"""`deploy-wizard login [--use-device-code | --browser] [--tenant-id ID]`: sign in from the wizard.

Runs `azd auth login` (and `az login` when the project needs az) with this terminal, so the browser
or device-code flow works as if typed by hand; SSH, containers and Codespaces get the device code
by default. Then it checks the sign-in took, and lists the account's tenants when there are
several (sign in to another with --tenant-id). Exit 0 signed in, 1 a sign-in failed, 2 bad input
(no project, azd missing).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import IO

from wizard.core.backend import Backend
from wizard.core.options import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from wizard.core.project import load_project, read_default_environment, read_env_values


def run_login_command(
    project_dir: Path,
    backend: Backend,
    *,
    device_code: bool | None,
    tenant: str | None,
    env_name: str | None = None,
    out: IO[str] | None = None,
) -> int:
    from wizard.core.azd import AzdClient, AzdError
    from wizard.core.signin import az_sign_in_reason, plan_sign_in, run_in_terminal, tools_for

    out = out or sys.stderr
    project = load_project(project_dir)
    root = project.root
    if backend.unavailable:
        print(f"error: {backend.unavailable}", file=out)
        return EXIT_USAGE
    env = env_name or read_default_environment(root)
    values = read_env_values(root, env) if env else {}
    tenant = tenant or values.get("AZURE_TENANT_ID") or None
    tools = tools_for(backend, root)
    because, warning = az_sign_in_reason(project, tools)
    if warning:
        print(f"warning: {warning}", file=out)
    plan = plan_sign_in(backend, root, az_because=because, device_code=device_code, tenant=tenant)
    print("Signing in:", file=out)
    for line in plan.lines():
        print(f"  {line}", file=out)
    out.flush()
    results = run_in_terminal(plan, backend, root, tools)
    for result in results:
        mark = "✓" if result.ok else "✗"
        print(f"{mark} {result.display}: {'signed in' if result.ok else f'failed (exit {result.exit_code})'}", file=out)
    if not results or not all(r.ok for r in results):
        print("not signed in: run the command above yourself to see why, then deploy-wizard login again", file=out)
        return EXIT_FAILED
    client = AzdClient(list(backend.azd_command), root, extra_env=dict(backend.azd_env))
    try:
        status = asyncio.run(client.auth_status())
    except AzdError as exc:
        print(f"error: {exc}", file=out)
        return EXIT_FAILED
    if str(status.get("status", "")).lower() not in ("success", "authenticated"):
        print("azd still reports no valid sign-in (`azd auth login --check-status`): try --use-device-code", file=out)
        return EXIT_FAILED
    _tenants(backend, root, env, values, tenant, out)
    print("signed in: the next run can start (deploy-wizard, or deploy-wizard run --plain)", file=out)
    return EXIT_OK


def _tenants(backend: Backend, root: Path, env: str | None, values: dict[str, str], tenant: str | None, out: IO[str]) -> None:
    """Several tenants: say which, and how to sign in to another one."""
    ports = backend.ports(root, env or "", values)
    if ports is None:
        return
    try:
        tenants = ports.subscriptions.list_tenants()
    except Exception:  # listing tenants is a courtesy; the sign-in itself worked
        return
    if len(tenants) < 2:
        return
    print(f"your account has {len(tenants)} tenants{f' (signed in to {tenant})' if tenant else ''}:", file=out)
    for item in tenants:
        label = " · ".join(x for x in (item.name, item.domain) if x)
        print(f"  {item.id}  {label}", file=out)
    print("a subscription in another tenant may need its own sign-in: deploy-wizard login --tenant-id <id>", file=out)
