"""Helpers for python-hcl2's output, shared by preflight's infra reader and the simulator."""

from __future__ import annotations

from typing import Any


def unquote(value: Any) -> Any:
    """python-hcl2 (>= 7) keeps the quotes of string keys and values: `"name"` -> `name`."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value
