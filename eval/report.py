"""Render a run as ``report.md`` and ``report.html`` (self-contained: inline SVG charts, no dependencies)."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path

from eval.metrics import METRICS, STAGES
from eval.schema import ResultRecord

COLORS = {"ours": "#2563eb", "baseline": "#f59e0b"}
LABELS = {"ours": "Corroborate", "baseline": "llama-index baseline"}
MAX_FAILURES = 200


def fmt(v, digits: int = 3) -> str:
    """A metric value for tables: 'n/a' for None."""
    if v is None:
        return "n/a"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def esc(s) -> str:
    """HTML-escape any value."""
    return html.escape(str(s), quote=True)


# -- charts -----------------------------------------------------------------------------------


def metric_bars_svg(metrics: dict[str, dict], keys: Sequence[str] | None = None, width: int = 720) -> str:
    """Horizontal grouped bars, one group per metric (values 0..1), one bar per system."""
    systems = list(metrics)
    rows = [m for m in METRICS if keys is None or m.key in keys]
    label_w, bar_h, gap = 190, 11, 9
    group_h = bar_h * len(systems) + gap
    plot_w = width - label_w - 60
    height = 30 + group_h * len(rows) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="Metric bars" font-family="sans-serif" font-size="11">']
    for i, s in enumerate(systems):
        x = label_w + i * 190
        parts.append(f'<rect x="{x}" y="6" width="10" height="10" fill="{COLORS.get(s, "#666")}"/>'
                     f'<text x="{x + 14}" y="15">{esc(LABELS.get(s, s))}</text>')
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        x = label_w + tick * plot_w
        parts.append(f'<line x1="{x:.1f}" y1="24" x2="{x:.1f}" y2="{height - 8}" stroke="#e5e7eb"/>'
                     f'<text x="{x:.1f}" y="{height}" text-anchor="middle" fill="#6b7280" font-size="9">{tick:g}</text>')
    for r, m in enumerate(rows):
        y0 = 28 + r * group_h
        parts.append(f'<text x="{label_w - 6}" y="{y0 + group_h / 2:.1f}" text-anchor="end">{esc(m.label)}'
                     f'{" ↓" if not m.higher_is_better else ""}</text>')
        for i, s in enumerate(systems):
            v = metrics[s].get(m.key)
            y = y0 + i * bar_h
            if v is None:
                parts.append(f'<text x="{label_w + 4}" y="{y + bar_h - 2}" fill="#9ca3af" font-size="9">n/a</text>')
                continue
            w = max(0.0, min(1.0, float(v))) * plot_w
            parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 1}" fill="{COLORS.get(s, "#666")}">'
                         f'<title>{esc(LABELS.get(s, s))}: {fmt(v)}</title></rect>'
                         f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 2}" font-size="9">{fmt(v, 2)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def histogram_svg(series: dict[str, list[float]], bins: int = 12, width: int = 720, height: int = 220, unit: str = "s") -> str:
    """Overlaid histograms of per-question seconds, one colour per system."""
    values = [v for vs in series.values() for v in vs]
    if not values:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="30"><text x="4" y="20">no timings</text></svg>'
    lo, hi = 0.0, max(values) * 1.02 or 1.0
    step = (hi - lo) / bins
    counts = {s: [0] * bins for s in series}
    for s, vs in series.items():
        for v in vs:
            counts[s][min(bins - 1, int((v - lo) / step))] += 1
    top = max(max(c) for c in counts.values()) or 1
    left, bottom, plot_w, plot_h = 40, height - 30, width - 60, height - 60
    bw = plot_w / bins
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="Latency histogram" font-family="sans-serif" font-size="10">']
    for i, s in enumerate(series):
        parts.append(f'<rect x="{left + i * 190}" y="6" width="10" height="10" fill="{COLORS.get(s, "#666")}" opacity="0.6"/>'
                     f'<text x="{left + i * 190 + 14}" y="15">{esc(LABELS.get(s, s))} (n={len(series[s])})</text>')
    for s, cs in counts.items():
        for b, c in enumerate(cs):
            if not c:
                continue
            h = c / top * plot_h
            parts.append(f'<rect x="{left + b * bw + 1:.1f}" y="{bottom - h:.1f}" width="{bw - 2:.1f}" height="{h:.1f}" '
                         f'fill="{COLORS.get(s, "#666")}" opacity="0.55"><title>{esc(LABELS.get(s, s))}: {c} in '
                         f'{lo + b * step:.1f}-{lo + (b + 1) * step:.1f}{unit}</title></rect>')
    parts.append(f'<line x1="{left}" y1="{bottom}" x2="{left + plot_w}" y2="{bottom}" stroke="#374151"/>')
    for b in range(0, bins + 1, max(1, bins // 6)):
        x = left + b * bw
        parts.append(f'<text x="{x:.1f}" y="{bottom + 14}" text-anchor="middle">{lo + b * step:.0f}{unit}</text>')
    parts.append(f'<text x="{left - 6}" y="{bottom - plot_h + 4}" text-anchor="end">{top}</text>'
                 f'<text x="{left - 6}" y="{bottom}" text-anchor="end">0</text></svg>')
    return "".join(parts)


# -- sections ---------------------------------------------------------------------------------


def _metric_rows(metrics: dict[str, dict], rat: dict) -> list[list[str]]:
    systems = list(metrics)
    rows = []
    for m in METRICS:
        row = [m.label + (" (lower is better)" if not m.higher_is_better else "")]
        row += [fmt(metrics[s].get(m.key)) for s in systems]
        if "baseline" in metrics:
            r = rat.get(m.key)
            row.append(f"{r:.2f}×" if r is not None else "n/a")
        row.append(m.description)
        rows.append(row)
    return rows


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    def cell(x: str) -> str:
        return str(x).replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def _html_table(header: list[str], rows: list[list[str]], cls: str = "") -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _latency_rows(metrics: dict[str, dict]) -> list[list[str]]:
    rows = []
    for stage in STAGES:
        row = [stage]
        for s in metrics:
            lat = metrics[s].get("latency", {}).get(stage, {})
            row += [fmt(lat.get("p50"), 2), fmt(lat.get("p95"), 2)]
        rows.append(row)
    return rows


def _confusion(metrics: dict[str, dict]) -> tuple[list[str], list[list[str]]]:
    header = ["system", "conflict flagged & gold conflict (TP)", "flagged, no conflict (FP)",
              "missed conflict (FN)", "neither (TN)"]
    rows = []
    for s, m in metrics.items():
        c = m.get("conflict_confusion", {})
        rows.append([LABELS.get(s, s), str(c.get("tp", 0)), str(c.get("fp", 0)), str(c.get("fn", 0)), str(c.get("tn", 0))])
    return header, rows


def confusion_html(metrics: dict[str, dict]) -> str:
    """2x2 tables (gold conflict vs flagged), shaded by count."""
    out = []
    for s, m in metrics.items():
        c = m.get("conflict_confusion", {})
        top = max(c.values() or [1]) or 1

        def td(n: int, good: bool) -> str:
            alpha = 0.15 + 0.6 * n / top
            color = f"rgba(34,197,94,{alpha:.2f})" if good else f"rgba(239,68,68,{alpha:.2f})"
            return f'<td style="background:{color}">{n}</td>'

        out.append(
            f'<table class="confusion"><caption>{esc(LABELS.get(s, s))}</caption>'
            f"<tr><th></th><th>flagged</th><th>not flagged</th></tr>"
            f"<tr><th>gold conflict</th>{td(c.get('tp', 0), True)}{td(c.get('fn', 0), False)}</tr>"
            f"<tr><th>no conflict</th>{td(c.get('fp', 0), False)}{td(c.get('tn', 0), True)}</tr></table>"
        )
    return '<div class="row">' + "".join(out) + "</div>"


def _tag_rows(metrics: dict[str, dict]) -> tuple[list[str], list[list[str]]]:
    systems = list(metrics)
    tags = sorted({t for m in metrics.values() for t in m.get("by_tag", {})})
    header = ["category", "n"] + [f"{LABELS.get(s, s)}: correct" for s in systems] + [f"{LABELS.get(s, s)}: abstained" for s in systems]
    rows = []
    for t in tags:
        first = metrics[systems[0]].get("by_tag", {}).get(t, {})
        row = [t, str(first.get("n", 0))]
        row += [fmt(metrics[s].get("by_tag", {}).get(t, {}).get("answer_correctness"), 2) for s in systems]
        row += [fmt(metrics[s].get("by_tag", {}).get(t, {}).get("abstained"), 2) for s in systems]
        rows.append(row)
    return header, rows


def _excerpt(rec: ResultRecord, n: int = 300) -> str:
    if rec.answer is None:
        return f"(error) {rec.error}"
    text = " ".join(str(rec.answer.get("answer", "")).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _failing(by_system: dict[str, list[ResultRecord]]) -> list[tuple[str, ResultRecord]]:
    out = []
    for s, recs in by_system.items():
        out += [(s, r) for r in recs if r.scores.failures]
    return out


def _notes(info: dict, metrics: dict[str, dict]) -> list[str]:
    notes = [f"Citation, faithfulness and support scores use the judge **{info.get('judge', '?')}**."]
    if str(info.get("judge", "")).startswith("support"):
        notes.append("This judge is the same lexical+embedding test the pipeline's verifier applies, so our "
                     "citation scores are partly graded by our own rules; treat them as an upper bound until "
                     "an NLI judge is used (--judge nli).")
    if not info.get("conflicts_enabled", True):
        notes.append("Conflict detection was **disabled** in this run (conflicts.enabled=false): conflict "
                     "recall is 0 by construction.")
    if "baseline" in metrics:
        notes.append("The baseline has no conflict detection and no verification; its abstentions are read "
                     "from its text (eval.baseline.looks_abstained).")
    errs = sum(m.get("counts", {}).get("errors", 0) for m in metrics.values())
    if errs:
        notes.append(f"{errs} answers failed with an error and are left out of the metrics (listed below).")
    return notes


# -- documents ----------------------------------------------------------------------------------


def render_markdown(info: dict, by_system: dict[str, list[ResultRecord]], metrics: dict[str, dict], rat: dict) -> str:
    """The report as markdown."""
    systems = list(metrics)
    n = len(info.get("questions") or [])
    lines = [f"# Eval report: {info.get('set', '?')} ({n} questions)", ""]
    lines += [f"- Systems: {', '.join(LABELS.get(s, s) for s in systems)}",
              f"- Config hash: `{info.get('config_hash', '')}`",
              f"- Corpus: `{info.get('corpus') or 'configured store'}`" + (f" ({info['ingest']})" if info.get("ingest") else ""),
              f"- Sample: {info.get('sample')}, seed {info.get('seed')}, limit {info.get('limit')}",
              f"- Started {info.get('started', '?')}, finished {info.get('finished', 'not yet')}", ""]
    lines += [f"> {x}" for x in _notes(info, metrics)] + [""]
    header = ["Metric"] + [LABELS.get(s, s) for s in systems] + (["Ratio ours/baseline"] if "baseline" in metrics else []) + ["What"]
    lines += ["## Metrics", "", _md_table(header, _metric_rows(metrics, rat)), ""]
    counts = metrics[systems[0]].get("counts", {})
    lines += [f"Questions: {counts.get('questions', 0)} ({counts.get('answerable', 0)} answerable, "
              f"{counts.get('unanswerable', 0)} unanswerable, {counts.get('conflict', 0)} conflict).", ""]
    h, rows = _confusion(metrics)
    lines += ["## Conflict detection", "", _md_table(h, rows), ""]
    lat_header = ["stage"] + [f"{LABELS.get(s, s)} {p}" for s in systems for p in ("p50 s", "p95 s")]
    lines += ["## Latency", "", _md_table(lat_header, _latency_rows(metrics)), ""]
    h, rows = _tag_rows(metrics)
    if rows:
        lines += ["## By category", "", _md_table(h, rows), ""]
    failing = _failing(by_system)
    lines += [f"## Failing questions ({len(failing)})", ""]
    for s, r in failing[:MAX_FAILURES]:
        gold = "; ".join(r.question.answers) or ("(unanswerable)" if r.question.unanswerable else "")
        lines += [f"- **{r.id}** [{LABELS.get(s, s)}] {r.question.question}",
                  f"  - what went wrong: {'; '.join(r.scores.failures)}",
                  f"  - gold: {gold}",
                  f"  - answer: {_excerpt(r)}"]
    if len(failing) > MAX_FAILURES:
        lines.append(f"- … {len(failing) - MAX_FAILURES} more in results.jsonl")
    lines += ["", "## Configuration", "", f"config_hash `{info.get('config_hash', '')}`; answers stamped "
              f"`{info.get('answer_config_hash', '')}` (store path included).", "",
              "```json", json.dumps(info.get("settings", {}), indent=2, default=str), "```", "",
              "## Versions", "", _md_table(["component", "version"],
                                           [[k, str(v)] for k, v in {**info.get("versions", {}), **info.get("models", {})}.items()]), ""]
    return "\n".join(lines)


CSS = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#111}
table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #d1d5db;padding:4px 8px;text-align:left;font-size:13px}
th{background:#f3f4f6}.note{background:#fef9c3;padding:.5em 1em;border-left:4px solid #eab308;margin:.3em 0}
.row{display:flex;gap:2em;flex-wrap:wrap}.confusion td{text-align:center;min-width:5em}
.fail{margin:.4em 0;padding:.4em .8em;border-left:3px solid #ef4444;background:#fef2f2;font-size:13px}
pre{background:#f9fafb;padding:1em;overflow:auto;font-size:12px}code{font-size:12px}
"""


def render_html(info: dict, by_system: dict[str, list[ResultRecord]], metrics: dict[str, dict], rat: dict) -> str:
    """The report as one self-contained HTML page."""
    systems = list(metrics)
    n = len(info.get("questions") or [])
    body = [f"<h1>Eval report: {esc(info.get('set', '?'))} ({n} questions)</h1>",
            "<ul>",
            f"<li>Systems: {esc(', '.join(LABELS.get(s, s) for s in systems))}</li>",
            f"<li>Config hash: <code>{esc(info.get('config_hash', ''))}</code></li>",
            f"<li>Corpus: <code>{esc(info.get('corpus') or 'configured store')}</code> {esc(info.get('ingest') or '')}</li>",
            f"<li>Sample {esc(info.get('sample'))}, seed {esc(info.get('seed'))}, limit {esc(info.get('limit'))}</li>",
            f"<li>Started {esc(info.get('started', '?'))}, finished {esc(info.get('finished', 'not yet'))}</li></ul>"]
    body += [f'<div class="note">{esc(x).replace("**", "")}</div>' for x in _notes(info, metrics)]
    header = ["Metric"] + [LABELS.get(s, s) for s in systems] + (["Ratio ours/baseline"] if "baseline" in metrics else []) + ["What"]
    body += ["<h2>Metrics</h2>", metric_bars_svg(metrics), _html_table(header, _metric_rows(metrics, rat))]
    body += ["<h2>Conflict detection</h2>", confusion_html(metrics)]
    lat_header = ["stage"] + [f"{LABELS.get(s, s)} {p}" for s in systems for p in ("p50 s", "p95 s")]
    series = {s: [float(r.answer["timings"]["total"]) for r in by_system.get(s, []) if r.answer] for s in systems}
    body += ["<h2>Latency</h2>", "<p>Total seconds per question.</p>", histogram_svg(series),
             _html_table(lat_header, _latency_rows(metrics))]
    h, rows = _tag_rows(metrics)
    if rows:
        body += ["<h2>By category</h2>", _html_table(h, rows)]
    failing = _failing(by_system)
    body.append(f"<h2>Failing questions ({len(failing)})</h2>")
    for s, r in failing[:MAX_FAILURES]:
        gold = "; ".join(r.question.answers) or ("(unanswerable)" if r.question.unanswerable else "")
        body.append(f'<div class="fail"><b>{esc(r.id)}</b> [{esc(LABELS.get(s, s))}] {esc(r.question.question)}<br>'
                    f"<i>what went wrong:</i> {esc('; '.join(r.scores.failures))}<br>"
                    f"<i>gold:</i> {esc(gold)}<br><i>answer:</i> {esc(_excerpt(r))}</div>")
    if len(failing) > MAX_FAILURES:
        body.append(f"<p>… {len(failing) - MAX_FAILURES} more in results.jsonl</p>")
    body += ["<h2>Configuration</h2>",
             f"<p>config_hash <code>{esc(info.get('config_hash', ''))}</code>; answers stamped "
             f"<code>{esc(info.get('answer_config_hash', ''))}</code> (store path included).</p>",
             f"<pre>{esc(json.dumps(info.get('settings', {}), indent=2, default=str))}</pre>",
             "<h2>Versions</h2>",
             _html_table(["component", "version"], [[k, str(v)] for k, v in {**info.get("versions", {}), **info.get("models", {})}.items()])]
    title = f"Eval report: {info.get('set', '?')}"
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>'
            f"<style>{CSS}</style></head><body>{''.join(body)}</body></html>")


def write_reports(run_dir: Path, info: dict, by_system: dict[str, list[ResultRecord]], metrics: dict[str, dict], rat: dict) -> tuple[Path, Path]:
    """Write report.md and report.html into ``run_dir``; returns their paths."""
    md = Path(run_dir) / "report.md"
    page = Path(run_dir) / "report.html"
    md.write_text(render_markdown(info, by_system, metrics, rat), encoding="utf-8")
    page.write_text(render_html(info, by_system, metrics, rat), encoding="utf-8")
    return md, page
