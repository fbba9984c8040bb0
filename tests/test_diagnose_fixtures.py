"""One transcript per knowledge-base entry: explain/diagnose must name the step, target and entry."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from wizard.core.ansi import clean_text
from wizard.core.diagnose import diagnose, load_knowledge
from wizard.core.events import Line
from wizard.core.explain import explain

FIXTURES = Path(__file__).parent / "fixtures" / "transcripts"
INDEX = yaml.safe_load((FIXTURES / "index.yaml").read_text(encoding="utf-8"))


def test_every_knowledge_entry_has_a_fixture() -> None:
    """A fixture of our own (index.yaml) or a real transcript of the corpus names each entry."""
    from bench.diagnose_score import load_corpus

    covered = {row["id"] for row in INDEX} | {t.labels["cause"] for t in load_corpus()}
    missing = {e.id for e in load_knowledge()} - covered
    assert not missing, f"knowledge entries without a fixture transcript: {sorted(missing)}"


def test_index_files_exist() -> None:
    for row in INDEX:
        assert (FIXTURES / row["file"]).is_file(), row["file"]


@pytest.mark.parametrize(
    "row", INDEX, ids=[f"{r['file']}-{r.get('mode', 'explain')}" for r in INDEX]
)
def test_fixture(row: dict) -> None:
    text = (FIXTURES / row["file"]).read_text(encoding="utf-8")
    lines = clean_text(text)
    if row.get("mode") == "diagnose":
        failure = diagnose(
            row["step"],
            [Line(t) for t in lines],
            target=row.get("given_target"),
            exit_code=1,
            done=row.get("done", ()),
        )
        assert (failure.kb_id, failure.step, failure.target) == (
            row["id"],
            row["step"],
            row["target"],
        )
        assert failure.evidence and len(failure.evidence) <= 8
        return
    failures = explain(text)
    assert len(failures) == 1, [(f.kb_id, f.step, f.target) for f in failures]
    failure = failures[0]
    assert (failure.kb_id, failure.step, failure.target) == (row["id"], row["step"], row["target"])
    assert failure.title and failure.cause and failure.fix
    # evidence: the few proving lines, numbered as in the input
    assert 1 <= len(failure.evidence) <= 8
    assert len(failure.evidence_lines) == len(failure.evidence)
    for number, text_line in zip(failure.evidence_lines, failure.evidence, strict=True):
        assert lines[number - 1] == text_line
    # the engine path (diagnose on the step's lines) agrees with explain
    if "\n# " not in "\n" + text[:2]:
        again = diagnose(row["step"], [Line(t) for t in lines], exit_code=1)
        assert again.kb_id == row["id"]
        assert again.target == row["target"]
