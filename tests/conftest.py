"""Shared fixtures: a fresh copy of the sample project, instant simulator speed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ("tests.realazd.plugin",)

os.environ.setdefault("DEPLOY_WIZARD_SIM_SPEED", "0")
os.environ.pop("AZURE_ENV_NAME", None)
os.environ.pop("GITHUB_ACTIONS", None)


@pytest.fixture
def sample_project(tmp_path: Path) -> Path:
    from wizard.simulator.sample import copy_sample

    return copy_sample(tmp_path / "project")
