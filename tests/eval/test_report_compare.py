"""Report rendering and run comparison on hand-made run folders (no models)."""

import json

import pytest

from eval.compare import compare_runs, render_comparison
from eval.metrics import aggregate, ratios
from eval.report import histogram_svg, metric_bars_svg, render_html, render_markdown
from eval.runner import RUN_INFO, append_result, finalize
from eval.schema import EvalQuestion, QuestionScores
from rag.errors import InputError
from tests.eval.conftest import make_answer, make_record

pytestmark = pytest.mark.unit

QS = [
    EvalQuestion(id="a", question="Where did it crash?", answers=["9.5km"], tags=["single"]),
    EvalQuestion(id="b", question="Who won the World Cup?", unanswerable=True, tags=["offtopic"]),
    EvalQuestion(id="c", question="Who downed it?", answers=["Algeria"], conflict=True,
                 conflict_docs=[["x"], ["y"]], tags=["conflict"]),
]


def _records(system, correct_a, abstain_b, total=2.0):
    out = []
    fails_a = [] if correct_a else ["wrong answer (no gold answer string found)"]
    out.append(make_record(QS[0], make_answer("It crashed 9.5km in Mali [1]." if correct_a else "No idea.", total=total),
                           QuestionScores(correct=correct_a, citation_recall=1.0 if correct_a else 0.0, failures=fails_a),
                           system=system))
    out.append(make_record(QS[1], make_answer("The articles do not say.", abstained=abstain_b, total=total + 1),
                           QuestionScores(abstained=abstain_b,
                                          failures=[] if abstain_b else ["not abstained on an unanswerable question"]),
                           system=system))
    out.append(make_record(QS[2], None, error="ModelError: the model is gone", system=system,
                           scores=QuestionScores(failures=["error: ModelError: the model is gone"])))
    return out


def _info(**kw):
    return {"set": "toy", "questions": [q.id for q in QS], "systems": ["ours", "baseline"], "judge": "support: test",
            "config_hash": "abc123", "answer_config_hash": "def456", "conflicts_enabled": False,
            "settings": {"retrieval": {"top_k": 6}}, "versions": {"python": "3.11.9", "chromadb": "1.5.9"},
            "models": {"embedder": "fake"}, **kw}


def test_report_has_tables_charts_failures_config_and_versions():
    by = {"ours": _records("ours", True, True), "baseline": _records("baseline", False, False)}
    metrics = {s: aggregate(r) for s, r in by.items()}
    rat = ratios(metrics["ours"], metrics["baseline"])
    md = render_markdown(_info(), by, metrics, rat)
    assert "| Answer correctness | 1.000 | 0.000 | n/a |" in md
    assert "| Citation recall | 1.000 | 0.000 | n/a |" in md
    assert "## Conflict detection" in md and "## Latency" in md and "## By category" in md
    assert "- **a** [llama-index baseline] Where did it crash?" in md
    assert "not abstained on an unanswerable question" in md and "error: ModelError: the model is gone" in md
    assert "config_hash `abc123`" in md and '"top_k": 6' in md and "| chromadb | 1.5.9 |" in md
    assert "Conflict detection was **disabled**" in md and "support: test" in md
    page = render_html(_info(), by, metrics, rat)
    assert page.count("<svg") == 2 and 'class="confusion"' in page
    assert "&lt;" not in md and "<script" not in page


def test_html_escapes_answer_text():
    q = EvalQuestion(id="x", question="<b>bold</b>?", answers=["y"])
    rec = make_record(q, make_answer("<script>alert(1)</script>"), QuestionScores(correct=False, failures=["wrong answer"]))
    page = render_html(_info(questions=["x"], systems=["ours"]), {"ours": [rec]}, {"ours": aggregate([rec])}, {})
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_svg_charts_are_well_formed_xml():
    import xml.etree.ElementTree as ET

    by = {"ours": _records("ours", True, True), "baseline": _records("baseline", False, False)}
    metrics = {s: aggregate(r) for s, r in by.items()}
    ET.fromstring(metric_bars_svg(metrics))
    ET.fromstring(histogram_svg({"ours": [1.0, 5.5, 30.0], "baseline": [2.0]}))


def test_charts_cope_with_missing_values():
    svg = metric_bars_svg({"ours": {"answer_correctness": 0.5}}, keys=["answer_correctness", "mrr"])
    assert svg.startswith("<svg") and "n/a" in svg and "0.50" in svg
    assert "no timings" in histogram_svg({"ours": []})
    assert histogram_svg({"ours": [1.0, 2.0, 30.0], "baseline": [5.0]}).count("<rect") >= 5


def _run_dir(tmp_path, name, records):
    d = tmp_path / name
    d.mkdir()
    (d / RUN_INFO).write_text(json.dumps(_info(systems=["ours"])))
    for r in records:
        append_result(d, r)
    return d


def test_finalize_and_compare_show_deltas_and_changed_questions(tmp_path):
    a = _run_dir(tmp_path, "a", _records("ours", False, False, total=10.0))
    b = _run_dir(tmp_path, "b", _records("ours", True, True, total=4.0))
    run = finalize(b)
    assert run.metrics["ours"]["answer_correctness"] == 1.0 and run.errors == 1
    assert (b / "report.html").is_file() and (b / "metrics.json").is_file()
    c = compare_runs(a, b)
    by_key = {m.key: m for m in c.metrics}
    assert by_key["answer_correctness"].delta == 1.0 and by_key["answer_correctness"].better is True
    assert by_key["latency_total_p50"].better is True
    assert {x.id: x.change for x in c.changes} == {"a": "better", "b": "better"}
    text = render_comparison(c)
    assert "Better in B (2):" in text and "correct: False -> True" in text and "Worse in B (0):" in text
    with pytest.raises(InputError, match="has no results for system 'baseline'"):
        compare_runs(a, b, system="baseline")
    with pytest.raises(InputError, match="is not an eval run folder"):
        compare_runs(tmp_path, b)


def test_compare_needs_common_questions(tmp_path):
    a = _run_dir(tmp_path, "a", _records("ours", False, False)[:1])
    b = _run_dir(tmp_path, "b", _records("ours", True, True)[1:2])
    with pytest.raises(InputError, match="no question ids in common"):
        compare_runs(a, b)
