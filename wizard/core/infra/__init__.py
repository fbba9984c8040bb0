"""One model of a project's infrastructure (Bicep or Terraform) for preflight and the simulator.

`read_infra(project, env)` reads the project's infra folder with the environment's values and
returns an `InfraModel` (model.py): resources with their ARM type, name, tags, condition and module
path; outputs; model deployments; the provider namespaces; and what it could not model.
"""

from __future__ import annotations

from collections.abc import Mapping

from wizard.core.infra.model import (
    ENV_TAG,
    TAG,
    InfraModel,
    ModelDeployment,
    Resource,
    Unmodelled,
    Where,
)
from wizard.core.project import Project


def read_infra(project: Project, env: Mapping[str, str] | None = None, env_name: str | None = None,
               random_token: str | None = None) -> InfraModel:
    """`random_token`: what Terraform's random_string/random_id results are (a simulated value)."""
    values = dict(env or {})
    if env_name:
        values.setdefault("AZURE_ENV_NAME", env_name)
    if project.infra.provider.lower() == "terraform":
        from wizard.core.infra.terraform import read_terraform

        return read_terraform(project.infra_dir, values, random_token)
    from wizard.core.infra.bicep import read_bicep

    return read_bicep(project.infra_dir, project.infra.module, values)


__all__ = ["ENV_TAG", "TAG", "InfraModel", "ModelDeployment", "Resource", "Unmodelled", "Where", "read_infra"]
