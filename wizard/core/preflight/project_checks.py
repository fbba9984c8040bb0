"""Project: azure.yaml beyond parsing, one `azd-service-name` tag per service, hook script hygiene."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

from wizard.core.infra import InfraModel, Resource
from wizard.core.preflight.common import HookScripts, hook_scripts, infra_facts, rel
from wizard.core.preflight.model import FAIL, PASS, SKIP, WARN, Outcome, PreflightContext

KNOWN_HOSTS = (
    "containerapp", "appservice", "function", "staticwebapp", "aks", "containerapp-job",
    "ai.endpoint", "azure.ai.agent", "springapp",
)  # fmt: skip
KNOWN_PROVIDERS = ("bicep", "terraform")


def _validate_project(ctx: PreflightContext) -> tuple[list[str], list[str]]:
    project = ctx.project
    errors: list[str] = []
    warnings: list[str] = []
    yaml_name = project.azure_yaml.name
    provider = project.infra.provider.lower()
    if provider not in KNOWN_PROVIDERS:
        errors.append(f"infra.provider {project.infra.provider!r} is not one azd knows (bicep, terraform)")
    infra = project.infra_dir
    if not infra.is_dir():
        errors.append(f"infra.path {project.infra.path!r} does not exist")
    elif provider == "terraform" and not any(infra.glob("*.tf")):
        errors.append(f"{project.infra.path} has no .tf files")
    elif provider == "bicep" and not (infra / f"{project.infra.module}.bicep").is_file() and not (
        infra / f"{project.infra.module}.bicepparam"
    ).is_file():
        errors.append(f"{project.infra.path}/{project.infra.module}.bicep not found")
    if not project.services:
        warnings.append("no services: azd deploy will have nothing to deploy")
    for svc in project.services:
        folder = (project.root / svc.project).resolve()
        if not folder.is_dir():
            errors.append(f"service {svc.name}: project folder {svc.project!r} does not exist")
            continue
        if svc.host and svc.host not in KNOWN_HOSTS:
            warnings.append(f"service {svc.name}: host {svc.host!r} is not one the wizard knows")
        if not svc.host:
            errors.append(f"service {svc.name}: `host:` is missing")
        if svc.docker_path:
            dockerfile = (folder / svc.docker_path).resolve()
            if not dockerfile.is_file():
                errors.append(f"service {svc.name}: docker.path {svc.docker_path!r} not found (looked at {rel(ctx, dockerfile)})")
        if svc.docker_context and not (folder / svc.docker_context).resolve().is_dir():
            errors.append(f"service {svc.name}: docker.context {svc.docker_context!r} does not exist")
    for hook in project.hooks:
        if hook.shell not in ("sh", "pwsh"):
            errors.append(f"hook {hook.name}: shell {hook.shell!r} must be sh or pwsh")
    del yaml_name
    return errors, warnings


async def check_azure_yaml(ctx: PreflightContext) -> Outcome:
    errors, warnings = await asyncio.to_thread(_validate_project, ctx)
    where = rel(ctx, ctx.project.azure_yaml)
    if errors:
        return Outcome(FAIL, "; ".join(errors), f"edit {where}: " + "; ".join(errors[:3]))
    summary = f"{len(ctx.project.services)} service(s), {ctx.project.infra.provider} infra in {ctx.project.infra.path}"
    if warnings:
        return Outcome(WARN, summary + "; " + "; ".join(warnings))
    return Outcome(PASS, summary)


# -- what the infra read could not model ---------------------------------------------------------
async def check_infra_read(ctx: PreflightContext) -> Outcome:
    """Say up front what the wizard (its checks, and the simulator) could not read in the infra."""
    if not ctx.project.infra_dir.is_dir():
        return Outcome(SKIP, "infra folder missing (see project.azure_yaml)")
    facts = await infra_facts(ctx)
    created = [r for r in facts.active if r.arm_type]
    summary = f"{len(created)} resource(s) in {len(facts.files)} {facts.provider} file(s)"
    if facts.errors:
        return Outcome(WARN, f"{summary}; the template has errors: " + "; ".join(facts.errors[:3]),
                       "fix the template: azd provision would fail on it")
    if facts.unmodelled:
        listed = facts.unmodelled_text(ctx.project.root)
        return Outcome(WARN, f"{summary}; not modelled (checks and the simulator leave these out): "
                       + "; ".join(listed[:5]) + (f"; and {len(listed) - 5} more" if len(listed) > 5 else ""),
                       data={"unmodelled": listed})
    return Outcome(PASS, summary)


# -- service tags --------------------------------------------------------------------------------
def tag_block(provider: str, service: str) -> str:
    if provider == "terraform":
        return f'tags = merge(local.tags, {{\n  "azd-service-name" = "{service}"\n}})'
    return f"tags: union(tags, {{ 'azd-service-name': '{service}' }})"


def _where(ctx: PreflightContext, r: Resource) -> str:
    where = r.tag_where or r.where
    return f"{r.address} ({rel(ctx, where.file)}:{where.line})"


def _where_to_tag(ctx: PreflightContext, facts: InfraModel, service: str) -> str:
    untagged = [h for h in facts.hosts if h.service_tag is None and h.active is not False and not h.service_expr]
    if untagged:
        h = untagged[0]
        return f"{rel(ctx, h.where.file)}:{h.where.line} ({h.address})"
    if facts.hosts:
        h = facts.hosts[0]
        return f"{rel(ctx, h.where.file)} (add a resource like {h.address} for {service})"
    main = facts.root / ("main.tf" if facts.provider == "terraform" else "main.bicep")
    return f"{rel(ctx, main)} (add the app resource for {service})"


def _host_tagged(facts: InfraModel, service: str) -> list[Resource]:
    """Resources azd would consider for `service`: host types (or unknown types) tagged with its name."""
    return [r for r in facts.tagged(service) if r.is_host or r.arm_type is None]


async def check_service_tags(ctx: PreflightContext) -> Outcome:
    gated = [s for s in ctx.project.services if s.found_by_tag and not s.enabled(ctx.env_values)]
    services = [s for s in ctx.project.services if s.found_by_tag and s not in gated]
    skipped = f"; skipped (condition false): {', '.join(s.name for s in gated)}" if gated else ""
    if not services:
        return Outcome(SKIP, "no service is looked up by tag (none, all set resourceName, or all gated off)" + skipped)
    if not ctx.project.infra_dir.is_dir():
        return Outcome(SKIP, "infra folder missing (see project.azure_yaml)")
    facts = await infra_facts(ctx)
    provider = facts.provider
    missing, duplicated, ok = [], [], []
    fixes = []
    unverifiable_for: list[str] = []
    for svc in services:
        tagged = _host_tagged(facts, svc.name)
        certain = [t for t in tagged if t.active is True]
        if len(certain) > 1:
            where = ", ".join(_where(ctx, t) for t in certain)
            duplicated.append(f"{svc.name} is tagged on {len(certain)} resources: {where}")
            fixes.append(f"keep `azd-service-name = {svc.name}` on exactly one of: {where}")
        elif len(certain) == 1:
            ok.append(f"{svc.name} → {_where(ctx, certain[0])}")
        elif tagged:  # alternatives behind conditions the read cannot evaluate: one of them
            ok.append(f"{svc.name} → one of {', '.join(_where(ctx, t) for t in tagged)} (by condition)")
        elif facts.unverifiable:
            unverifiable_for.append(svc.name)
        else:
            where = _where_to_tag(ctx, facts, svc.name)
            missing.append(f"no resource is tagged azd-service-name = {svc.name} (azd deploy fails: "
                           f"`unable to find a resource tagged with 'azd-service-name: {svc.name}'`)")
            fixes.append(f"edit {where} and add:\n{tag_block(provider, svc.name)}")
    if missing or duplicated:
        return Outcome(FAIL, "; ".join(missing + duplicated), "\n".join(fixes),
                       data={"missing": [s.name for s in services if not _host_tagged(facts, s.name)]})
    if unverifiable_for:
        exprs = ", ".join(dict.fromkeys(
            f"{r.address} = {r.service_expr}" if r.service_expr else f"{r.address}: tags = {r.tags_expr}" for r in facts.unverifiable))
        return Outcome(WARN, f"{', '.join(unverifiable_for)}: no literal tag; set through an expression ({exprs}); "
                       "cannot verify without evaluating the infra" + skipped,
                       "make sure the expression evaluates to the service name, or use a literal tag:\n"
                       + tag_block(provider, unverifiable_for[0]))
    return Outcome(PASS, "; ".join(ok) + skipped)


# -- hook scripts --------------------------------------------------------------------------------
def inspect_scripts(scripts: HookScripts, platform: str) -> dict[str, list[Path]]:
    """Problems per kind: missing, crlf, no_exec, no_shebang."""
    out: dict[str, list[Path]] = {"missing": list(dict.fromkeys(p for _, p in scripts.missing)), "crlf": [],
                                  "no_exec": [], "no_shebang": []}
    hook_paths = [p for _, p in scripts.hook_scripts]
    for path in [*hook_paths, *scripts.helpers]:
        try:
            raw = path.read_bytes()
        except OSError:
            if path not in out["missing"]:
                out["missing"].append(path)
            continue
        if path.suffix in (".sh", ".bash", "") and b"\r\n" in raw:
            out["crlf"].append(path)
        if path in hook_paths:
            if path.suffix in (".sh", ".bash", "") and not raw.startswith(b"#!") and path not in scripts.from_shell:
                out["no_shebang"].append(path)
            if not platform.startswith("win") and path.suffix != ".ps1" and path not in scripts.chmodded:
                mode = path.stat().st_mode
                if not mode & stat.S_IXUSR:
                    out["no_exec"].append(path)
    return out


async def check_hook_scripts(ctx: PreflightContext) -> Outcome:
    if not ctx.project.hooks:
        return Outcome(SKIP, "the project has no hooks")
    scripts = await hook_scripts(ctx)
    problems = await asyncio.to_thread(inspect_scripts, scripts, ctx.tools.platform)
    names = {k: [rel(ctx, p) for p in v] for k, v in problems.items()}
    parts, fixes = [], []
    if names["missing"]:
        parts.append("missing: " + ", ".join(names["missing"]))
        fixes.append("restore the missing scripts (git checkout -- <file>) or fix the hook's run: in azure.yaml")
    if names["crlf"]:
        parts.append("CRLF line endings (`/bin/bash^M: bad interpreter`): " + ", ".join(names["crlf"]))
        fixes.append("convert to LF: sed -i 's/\\r$//' " + " ".join(names["crlf"])
                     + "  (and: git config core.autocrlf input)")
    if names["no_exec"]:
        parts.append("not executable (azd runs them directly): " + ", ".join(names["no_exec"]))
        fixes.append("chmod +x " + " ".join(names["no_exec"]))
    if names["no_shebang"]:
        parts.append("no #! line: " + ", ".join(names["no_shebang"]))
        fixes.append("add `#!/usr/bin/env bash` (or the right interpreter) as the first line of " + ", ".join(names["no_shebang"]))
    if parts:
        return Outcome(FAIL, "; ".join(parts), "\n".join(fixes), data=problems)
    count = len(scripts.hook_scripts) + len(scripts.helpers)
    inline = f", {len(scripts.inline)} inline" if scripts.inline else ""
    return Outcome(PASS, f"{count} script(s) OK (exists, LF, #!, run bit){inline}")


