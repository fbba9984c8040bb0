"""`make diagnose-score`: step, target and cause accuracy of `explain` over the failure corpus.

The corpus is `tests/fixtures/corpus/*.txt`: one real azd failure transcript per file (program
output only, copied from a public issue), with a YAML header between `---` lines:

```
---
source: https://github.com/<owner>/<repo>/issues/<n>   # where the transcript comes from
azd: 1.9.3                                             # optional: the azd version, when known
step: provision                                        # the wizard step the failure belongs to
target: resource:Microsoft.CognitiveServices/accounts/cog-x   # or service:x, hook:x, file:x, auth:azd, null
cause: soft-deleted-conflict                           # the knowledge-base entry that explains it
code: FlagMustBeSetForRestore                          # optional: the Azure / Entra / Bicep code
split: train | holdout                                 # holdout: labelled, never read while writing rules
note: ...                                              # optional
---
<the transcript>
```

Targets compare by kind and name: a resource matches on its name (the last segment, so
`resource:Azure OpenAI/cog-x` matches `resource:Microsoft.CognitiveServices/accounts/cog-x`), a file
on its path's tail (`file:C:\\src\\infra\\main.bicep` matches `file:infra/main.bicep`), everything else
exactly (case-insensitive). The holdout part is reported separately: it is the honest figure.

`python -m bench.diagnose_score [--verbose] [--json]`; exits 0 (a report, not a gate).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "corpus"


@dataclass
class Transcript:
    """One corpus file: its labels and its text."""

    name: str
    labels: dict[str, Any]
    text: str

    @property
    def split(self) -> str:
        return str(self.labels.get("split") or "train")


def read_transcript(path: Path) -> Transcript:
    """Split a corpus file into its YAML header and the transcript below it."""
    raw = path.read_text(encoding="utf-8")
    if not raw.startswith("---\n"):
        raise ValueError(f"{path.name}: no YAML header")
    header, _, body = raw[4:].partition("\n---\n")
    labels = yaml.safe_load(header) or {}
    for key in ("source", "step", "cause"):
        if not labels.get(key):
            raise ValueError(f"{path.name}: header lacks `{key}`")
    return Transcript(path.stem, labels, body)


def load_corpus(directory: Path = CORPUS) -> list[Transcript]:
    return [read_transcript(p) for p in sorted(directory.glob("*.txt"))]


def _norm_path(path: str) -> str:
    return path.replace("\\", "/").strip().strip("/").lower()


def target_matches(expected: str | None, got: str | None) -> bool:
    """Does the diagnosed target name the labelled one (see the module docstring)?"""
    if not expected:
        return not got
    if not got:
        return False
    e_kind, _, e_name = expected.partition(":")
    g_kind, _, g_name = got.partition(":")
    if e_kind.lower() != g_kind.lower():
        return False
    if e_kind == "resource":
        return e_name.rsplit("/", 1)[-1].lower() == g_name.rsplit("/", 1)[-1].lower()
    if e_kind == "file":
        e, g = _norm_path(e_name), _norm_path(g_name)
        return g == e or g.endswith("/" + e) or e.endswith("/" + g)
    return e_name.lower() == g_name.lower()


@dataclass
class Outcome:
    name: str
    split: str
    expected: dict[str, Any]
    got: dict[str, Any]
    step: bool
    target: bool
    cause: bool
    next_action: bool


@dataclass
class Score:
    outcomes: list[Outcome] = field(default_factory=list)

    def part(self, split: str | None) -> list[Outcome]:
        return [o for o in self.outcomes if split is None or o.split == split]

    @staticmethod
    def rates(outcomes: Iterable[Outcome]) -> dict[str, float]:
        items = list(outcomes)
        n = len(items) or 1
        return {
            "n": len(items),
            "step": sum(o.step for o in items) / n,
            "target": sum(o.target for o in items) / n,
            "cause": sum(o.cause for o in items) / n,
            "next_action": sum(o.next_action for o in items) / n,
        }


def score(transcripts: Iterable[Transcript]) -> Score:
    from wizard.core.explain import explain

    result = Score()
    for t in transcripts:
        failures = explain(t.text)
        failure = failures[0] if failures else None
        got = {
            "step": failure.step if failure else None,
            "target": failure.target if failure else None,
            "cause": failure.kb_id if failure else None,
            "code": getattr(failure, "code", None) if failure else None,
        }
        has_next = bool(
            failure
            and (failure.fix or "").strip()
            and (failure.fix_commands or failure.link or getattr(failure, "doc_url", None))
        )
        result.outcomes.append(
            Outcome(
                name=t.name,
                split=t.split,
                expected=t.labels,
                got=got,
                step=got["step"] == t.labels.get("step"),
                target=target_matches(t.labels.get("target"), got["target"]),
                cause=got["cause"] == t.labels.get("cause"),
                next_action=has_next,
            )
        )
    return result


def _pct(value: float) -> str:
    return f"{100 * value:5.1f}%"


def report(result: Score, *, verbose: bool = False) -> list[str]:
    lines = []
    if verbose:
        for o in result.outcomes:
            if o.step and o.target and o.cause:
                continue
            marks = "".join(c if ok else "." for c, ok in (("S", o.step), ("T", o.target), ("C", o.cause)))
            lines.append(f"{marks} {o.split:<7} {o.name}")
            for key in ("step", "target", "cause"):
                if not getattr(o, key):
                    lines.append(f"      {key}: expected {o.expected.get(key)!r}, got {o.got[key]!r}")
    lines.append(f"{'part':<8} {'n':>3}  {'step':>6} {'target':>6} {'cause':>6} {'next action':>11}")
    for label, split in (("all", None), ("train", "train"), ("holdout", "holdout")):
        r = Score.rates(result.part(split))
        lines.append(
            f"{label:<8} {r['n']:>3}  {_pct(r['step'])} {_pct(r['target'])} {_pct(r['cause'])} "
            f"{_pct(r['next_action']):>11}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", "-v", action="store_true", help="list the misses")
    parser.add_argument("--json", action="store_true", help="the figures as JSON")
    parser.add_argument("--split", choices=("train", "holdout"), help="score one part only")
    args = parser.parse_args(argv)
    transcripts = [t for t in load_corpus() if args.split is None or t.split == args.split]
    result = score(transcripts)
    if args.json:
        json.dump(
            {label: Score.rates(result.part(s)) for label, s in (("all", None), ("train", "train"), ("holdout", "holdout"))},
            sys.stdout,
            indent=2,
        )
        sys.stdout.write("\n")
    else:
        print("\n".join(report(result, verbose=args.verbose)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
