"""Three bundled questions end to end with the real packaged models, our pipeline and the baseline."""

import json
import os
from pathlib import Path

import pytest

from eval.loaders import load_set
from eval.runner import load_results, run_eval
from rag.settings import get_settings
from tests.conftest import CORPUS

pytestmark = [pytest.mark.integration, pytest.mark.slow]
MODEL_CACHE = os.environ.get("RAG_TEST_MODEL_CACHE", str(Path.home() / ".corroborate" / "models"))
PICK = ("s01", "c01", "o01")  # a single-source fact, a conflict, an off-topic question


def test_three_bundled_questions_produce_a_report(tmp_path):
    questions = {q.id: q for q in load_set("bundled").questions}
    subset = tmp_path / "three.jsonl"
    subset.write_text("".join(questions[i].model_dump_json() + "\n" for i in PICK))
    settings = get_settings(overrides={"model_cache": MODEL_CACHE})
    run = run_eval(subset, settings, tmp_path / "run", corpus=CORPUS, baseline=True)

    assert run.errors == 0, [r.error for r in load_results(tmp_path / "run").values() if r.error]
    assert run.n_questions == 3 and set(run.metrics) == {"ours", "baseline"}
    for name in ("report.md", "report.html", "results.jsonl", "metrics.json"):
        assert (tmp_path / "run" / name).is_file(), name
    html = (tmp_path / "run" / "report.html").read_text()
    assert "<svg" in html and "Failing questions" in html and run.config_hash in html
    recs = load_results(tmp_path / "run")
    assert len(recs) == 6
    ours_offtopic = recs[("ours", "o01")]
    assert ours_offtopic.scores.abstained, "Test assumes the pipeline abstains on an off-topic question"
    for rec in recs.values():
        for c in rec.answer["citations"]:
            assert Path(c["source"]).parent == CORPUS
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["judge"].startswith("support")
