"""The server's HTML: the attendee's page around the terminal, the host page, short notices.

Templates are `string.Template` files in templates/; every value is HTML-escaped here.
"""

from __future__ import annotations

import html
from functools import cache
from importlib import resources
from string import Template
from typing import Any

from wizard.simulator.scenarios import SCENARIOS
from wizard.tui.demo import SPEEDS


@cache
def template(name: str) -> Template:
    return Template(resources.files("wizard.web").joinpath("templates", name).read_text(encoding="utf-8"))


def render(template_name: str, **values: Any) -> str:
    return template(template_name).substitute({k: html.escape(str(v), quote=True) for k, v in values.items()})


def options(choices: list[tuple[str, str]], selected: str) -> str:
    return "".join(
        f'<option value="{html.escape(value)}"{" selected" if value == selected else ""}>{html.escape(label)}</option>'
        for value, label in choices
    )


def host_page(*, title: str, base: str, static: str, own: str, share_url: str, room: dict[str, Any]) -> str:
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(r[k]))}</td>" for k in ("name", "scenario", "view", "step", "age", "idle", "browser", "memory")) + "<td></td></tr>"
        for r in room["sessions"]
    )
    page = template("host.html").substitute(
        title=html.escape(title), base=html.escape(base), static=html.escape(static), own=html.escape(own),
        share_url=html.escape(share_url), count=f"{len(room['sessions'])} of {room['max_sessions']} sessions",
        scenario_options=options([(name, f"{name}: {what}") for name, what in SCENARIOS.items()], room["scenario"]),
        speed_options=options([(f"{speed:g}", f"{speed:g} {label.split(':')[0]}") for speed, label in SPEEDS], f"{room['speed']:g}"),
        rows=rows,
    )
    return page


def notice(title: str, text: str, link: tuple[str, str] | None = None) -> str:
    """A small page for refusals and ended sessions."""
    more = f'<p><a href="{html.escape(link[0])}">{html.escape(link[1])}</a></p>' if link else ""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>deploy-wizard</title>'
        '<style>body{background:#0c181f;color:#e8eef2;font:15px monospace;padding:40px}a{color:#ac5af4}</style>'
        f"</head><body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>{more}</body></html>"
    )
