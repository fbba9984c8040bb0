"""Real azd output kept as fixture files, and the comparison of a new run with them.

A transcript file is a small `# key: value` header (azd version, cassette, command, exit code,
what was injected), then `# ---- stdout`, azd's stdout as it was, `# ---- stderr`, its stderr.
`read()` gives the parts back; parser and simulator tests can read the stdout alone.

Replays are deterministic except for what azd measures itself (elapsed times) and where the
session lives (temporary paths); `comparable()` blanks exactly those.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

STDOUT_MARK = "# ---- stdout"
STDERR_MARK = "# ---- stderr"

# (pattern, replacement): what differs between two replays of the same cassette.
_VARYING = (
    (re.compile(r" \[(\d+m)?\d+(\.\d+)?m?s\]"), ""),  # "app: Deploying [1m24s]"
    (re.compile(r"in (less than a second|\d+ (minute|second)s?( \d+ seconds?)?)"), "in <elapsed>"),
    (re.compile(r"\((\d+m)?\d+(\.\d+)?m?s\)"), "(<elapsed>)"),  # "(✓) Done: ... (1.5s)"
)


@dataclass(frozen=True)
class Transcript:
    header: dict[str, str]
    stdout: str
    stderr: str


def _block(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"


def write(path: Path, header: dict[str, str], stdout: str, stderr: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    head = "".join(f"# {key}: {value}\n" for key, value in header.items())
    path.write_text(f"{head}{STDOUT_MARK}\n{_block(stdout)}{STDERR_MARK}\n{_block(stderr)}", encoding="utf-8")


def read(path: Path) -> Transcript:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    out_at = next(n for n, line in enumerate(lines) if line.rstrip("\n") == STDOUT_MARK)
    err_at = max(n for n, line in enumerate(lines) if line.rstrip("\n") == STDERR_MARK)
    header = {}
    for line in lines[:out_at]:
        key, _, value = line.rstrip("\n").removeprefix("# ").partition(": ")
        header[key] = value
    return Transcript(header, "".join(lines[out_at + 1:err_at]), "".join(lines[err_at + 1:]))


def comparable(text: str, *paths: Path) -> str:
    """`text` with elapsed times and the given (temporary) paths blanked."""
    for path in sorted(paths, key=lambda p: len(str(p)), reverse=True):
        text = text.replace(str(path), "<session>")
    for pattern, replacement in _VARYING:
        text = pattern.sub(replacement, text)
    return text.rstrip("\n")
