"""The corpus of real azd failures (tests/fixtures/corpus): well-formed, masked, and diagnosed.

The thresholds are the ones the diagnosis must hold (step 95%, target 85%, cause 80%) over the
whole corpus; `make diagnose-score` prints the figures, the held-out part separately.
"""

from __future__ import annotations

import re

from bench.diagnose_score import load_corpus, score, target_matches

KNOWN_STEPS = {"environment", "preflight", "provision", "deploy", "teardown", "phone", "verify"}
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_TOKEN_RE = re.compile(r"eyJ[\w-]{20,}\.[\w-]{20,}|(?i:sig=)[\w%]{20,}|AccountKey=[\w+/=]{20,}")


def test_corpus_files_are_labelled_and_masked() -> None:
    corpus = load_corpus()
    assert len(corpus) >= 40
    assert sum(t.split == "holdout" for t in corpus) >= len(corpus) // 4
    for t in corpus:
        assert t.labels["source"].startswith("https://github.com/"), t.name
        assert t.labels["step"] in KNOWN_STEPS, t.name
        assert t.split in ("train", "holdout"), t.name
        assert t.text.strip(), t.name
        assert not _EMAIL_RE.search(t.text), f"{t.name}: an e-mail address"
        assert not _TOKEN_RE.search(t.text), f"{t.name}: something token-like"


def test_diagnosis_holds_on_the_corpus() -> None:
    result = score(load_corpus())
    rates = result.rates(result.outcomes)
    assert rates["step"] >= 0.95 and rates["target"] >= 0.85 and rates["cause"] >= 0.80, rates
    assert rates["next_action"] == 1.0


def test_target_matching_rules() -> None:
    assert target_matches("resource:Microsoft.X/accounts/cog-a", "resource:Azure OpenAI/cog-a")
    assert target_matches("file:infra/main.bicep", "file:C:/src/infra/main.bicep")
    assert not target_matches("service:api", "service:web")
    assert target_matches(None, None) and not target_matches(None, "service:api")
