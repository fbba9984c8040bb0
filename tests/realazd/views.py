"""Answers for the wizard's own readers that the cassette holds only in another shape.

azd's recorded session never listed an environment's Container Apps or their revisions (azd asks
for the one app it deploys), and never asked again for the resource group after deleting it; the
wizard's verify and teardown do. These views answer such reads from recorded facts only, and the
proxy logs them as `derived`:

* a resource group's Container Apps: the apps azd fetched in that group, each as azd last saw it
  (the recorded body, whatever its api-version), in a list envelope;
* an app's revisions: its latest revision, as the recorded app describes it (`latestRevisionName`,
  `minReplicas` replicas, the latest revision's traffic weight): ready (healthy, and running when
  the app's `runningStatus` is Running) when it is also `latestReadyRevisionName`, else still
  activating, as it was when azd's deploy returned (the recorded probe right after got a 504);
* once azd's DELETE of a resource group was answered with success, the group is gone for later
  reads: 404 for it and what is in it, and left out of tag-filtered group lists.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from tests.realazd.cassette import Cassette, Interaction, RequestKey

_GROUP = r"/subscriptions/[^/]+/resourcegroups/(?P<group>[^/]+)"
_APPS = re.compile(_GROUP + r"/providers/microsoft\.app/containerapps$")
_APP = re.compile(_GROUP + r"/providers/microsoft\.app/containerapps/(?P<app>[^/]+)$")
_REVISIONS = re.compile(_GROUP + r"/providers/microsoft\.app/containerapps/(?P<app>[^/]+)/revisions$")
_IN_GROUP = re.compile(_GROUP + r"(/.*)?$")
_GROUP_LIST = re.compile(r"/subscriptions/[^/]+/resourcegroups$")

Answer = tuple[int, dict[str, Any]]


def _not_found(group: str) -> Answer:
    return 404, {"error": {"code": "ResourceGroupNotFound", "message": f"Resource group '{group}' could not be found."}}


class DerivedViews:
    """Reads answered from the cassette's recorded facts and what azd has done so far."""

    def __init__(self, cassette: Cassette, used: Callable[[], Iterable[int]]) -> None:
        self.cassette = cassette
        self._used = used

    def _deleted_groups(self) -> set[str]:
        used = set(self._used())
        return {
            m.group("group").lower()
            for i in self.cassette.interactions
            if i.id in used and i.key.method == "DELETE" and 200 <= int(i.response["code"]) < 300
            and (m := re.fullmatch(_GROUP, i.key.path.lower()))
        }

    def _latest_app_bodies(self, group: str) -> dict[str, dict[str, Any]]:
        used = set(self._used())
        chosen: dict[str, tuple[bool, Interaction]] = {}
        for interaction in self.cassette.interactions:
            match = _APP.fullmatch(interaction.key.path.lower())
            if interaction.key.method != "GET" or not match or match.group("group") != group:
                continue
            if int(interaction.response["code"]) != 200:
                continue
            seen = interaction.id in used
            name = match.group("app")
            if name not in chosen or seen or not chosen[name][0]:
                chosen[name] = (seen, interaction)
        return {name: json.loads(i.response_body()) for name, (_, i) in chosen.items()}

    def answer(self, key: RequestKey) -> Answer | None:
        """A derived answer for a read the cassette has no recording of, or None."""
        if key.method not in ("GET", "HEAD"):
            return None
        path = key.path.lower()
        group_match = _IN_GROUP.fullmatch(path)
        if group_match and group_match.group("group") in self._deleted_groups():
            return _not_found(group_match.group("group"))
        if match := _APPS.fullmatch(path):
            bodies = self._latest_app_bodies(match.group("group"))
            return 200, {"value": list(bodies.values())}
        if match := _REVISIONS.fullmatch(path):
            body = self._latest_app_bodies(match.group("group")).get(match.group("app"))
            return (200, {"value": [_latest_revision(body)]}) if body else None
        return None

    def adjust(self, key: RequestKey, status: int, body: bytes) -> bytes:
        """A recorded answer as it reads after azd's deletions (tag-filtered group lists)."""
        deleted = self._deleted_groups()
        if not deleted or status != 200 or not _GROUP_LIST.fullmatch(key.path.lower()):
            return body
        listing = json.loads(body or b"{}")
        listing["value"] = [g for g in listing.get("value", []) if str(g.get("name", "")).lower() not in deleted]
        return json.dumps(listing).encode()


def _latest_revision(app: dict[str, Any]) -> dict[str, Any]:
    properties = app.get("properties") or {}
    latest = properties.get("latestRevisionName")
    ingress = (properties.get("configuration") or {}).get("ingress") or {}
    weight = next((t.get("weight", 0) for t in ingress.get("traffic") or [] if t.get("latestRevision")), 0)
    ready = latest and latest == properties.get("latestReadyRevisionName") and properties.get("provisioningState") == "Succeeded"
    running = "Running" if properties.get("runningStatus") == "Running" else "Unknown"
    return {
        "id": f"{app.get('id')}/revisions/{latest}",
        "name": latest,
        "type": "Microsoft.App/containerApps/revisions",
        "properties": {
            "active": True,
            "healthState": "Healthy" if ready else "None",
            "runningState": running if ready else "Activating",
            "provisioningState": "Provisioned" if ready else "Provisioning",
            "replicas": ((properties.get("template") or {}).get("scale") or {}).get("minReplicas", 0),
            "trafficWeight": weight,
            "template": properties.get("template"),
        },
    }
