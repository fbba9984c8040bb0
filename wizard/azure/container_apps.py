"""ContainerAppsPort on azure-mgmt-appcontainers: apps with image, ingress port, tags and revisions."""

from __future__ import annotations

from typing import Any

from wizard.azure.credentials import AzureSetupError, enum_text
from wizard.core.ports import ContainerAppInfo, RevisionInfo


class ContainerAppsAdapter:
    def __init__(
        self,
        credential: Any,
        subscription_id: str | None,
        *,
        client: Any | None = None,
        **client_kwargs: Any,
    ) -> None:
        self._credential = credential
        self._subscription = subscription_id
        self._client = client
        self._client_kwargs = client_kwargs  # e.g. transport= for tests

    @property
    def client(self) -> Any:
        if self._client is None:
            if not self._subscription:
                raise AzureSetupError("AZURE_SUBSCRIPTION_ID is not set in the azd environment")
            from azure.mgmt.appcontainers import ContainerAppsAPIClient

            self._client = ContainerAppsAPIClient(self._credential, self._subscription, **self._client_kwargs)
        return self._client

    def list_apps(self, resource_group: str) -> list[ContainerAppInfo]:
        apps = []
        for app in self.client.container_apps.list_by_resource_group(resource_group):
            revisions = tuple(self._revisions(resource_group, app))
            apps.append(to_app_info(app, resource_group, revisions))
        return apps

    def _revisions(self, resource_group: str, app: Any) -> list[RevisionInfo]:
        found = list(self.client.container_apps_revisions.list_revisions(resource_group, app.name))
        # oldest first, so ContainerAppInfo.latest_revision (the last active one) is the newest
        found.sort(key=lambda r: (getattr(r, "created_time", None) is not None, getattr(r, "created_time", None) or 0))
        latest = getattr(app, "latest_revision_name", None)
        if latest:
            found.sort(key=lambda r: r.name == latest)
        return [to_revision_info(r) for r in found]

    def restart_revision(self, resource_group: str, app: str, revision: str) -> None:
        self.client.container_apps_revisions.restart_revision(resource_group, app, revision)


def to_revision_info(revision: Any) -> RevisionInfo:
    return RevisionInfo(
        name=revision.name or "",
        active=bool(revision.active),
        healthy=enum_text(revision.health_state).lower() == "healthy",
        running_state=enum_text(revision.running_state) or "Unknown",
        replicas=int(revision.replicas or 0),
        traffic_weight=int(revision.traffic_weight or 0),
    )


def to_app_info(app: Any, resource_group: str, revisions: tuple[RevisionInfo, ...] = ()) -> ContainerAppInfo:
    configuration = app.configuration
    ingress = configuration.ingress if configuration is not None else None
    containers = (app.template.containers or []) if app.template is not None else []
    image = containers[0].image if containers and containers[0].image else ""
    fqdn = (ingress.fqdn if ingress is not None else None) or None
    return ContainerAppInfo(
        name=app.name or "",
        resource_group=resource_group,
        image=image,
        target_port=ingress.target_port if ingress is not None else None,
        fqdn=fqdn,
        tags=dict(app.tags or {}),
        revisions=revisions,
        provisioning_state=enum_text(app.provisioning_state) or "Unknown",
    )
