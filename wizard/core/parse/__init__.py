"""azd / terraform / hook output -> which target a line belongs to, and target status changes.

One `OutputParser` per step run. `feed()` is called on every cleaned line (ANSI stripped by the
runner via `wizard.core.ansi.clean_line`; the parser strips again if it finds an ESC), so it is
built for speed: precompiled regexes behind cheap first-character / substring prefilters. It
never raises on any input.

Targets (see `wizard.core.steps`):
  hook:<name>                 project hooks (`hook:<service>/<name>` for service hooks)
  service:<name>              azd services (deploy phases, error chains)
  resource:<type>/<name>      terraform addresses (`azurerm_container_app.backend` ->
                              `resource:azurerm_container_app/backend`; module resources keep
                              their module path in the name: `resource:azurerm_key_vault/module.kv.this`;
                              data sources: `resource:data.azurerm_client_config/current`) and azd
                              display lines (`resource:Container App/ca-api-x`).

Besides attribution the parser records *marks*: the failure signals it saw (azd `ERROR:` chains,
terraform error boxes with the address/file/line they point at, `(x) Failed:` lines, failed
services and hooks, ARM `Deployment Error Details`, prompt-required blocks). `diagnose` reads them.
"""

from wizard.core.parse.model import (
    DONE,
    FAILED,
    FAILURE_MARKS,
    PENDING,
    RUNNING,
    SKIPPED,
    WARNING,
    Attribution,
    Mark,
    TargetUpdate,
)
from wizard.core.parse.parser import OutputParser
from wizard.core.parse.patterns import _COMMAND_ECHO_RE, _COMMAND_STEPS, _TITLE_RE, TF_ACTION_FIRST
from wizard.core.parse.targets import (
    _hook_step,
    chain_target,
    hook_target,
    service_target,
    tf_target,
)

# The package's surface is what `wizard.core.parse` offered as one module; `explain` reuses a few
# of the private tables to read a transcript's command echoes, so they stay importable here.
__all__ = [
    "DONE",
    "FAILED",
    "FAILURE_MARKS",
    "PENDING",
    "RUNNING",
    "SKIPPED",
    "TF_ACTION_FIRST",
    "WARNING",
    "_COMMAND_ECHO_RE",
    "_COMMAND_STEPS",
    "_TITLE_RE",
    "Attribution",
    "Mark",
    "OutputParser",
    "TargetUpdate",
    "_hook_step",
    "chain_target",
    "hook_target",
    "service_target",
    "tf_target",
]
