"""Pure functions that render answers, citations, conflicts and documents as escaped HTML.

Every piece of document, answer or user text goes through :func:`esc` before it reaches
the page, so article HTML and ``<script>`` never run. Clickable references are plain
``<button>`` elements carrying ``data-doc``/``data-start``/``data-end``; the app's
JavaScript turns a click (or Enter/Space) into a request for the source viewer.

Example:
    >>> highlight("Mali said no.", 5, 9)
    'Mali <mark class="cr-hl cr-hl-target" tabindex="-1">said</mark> no.'
"""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rag.types import Answer, Citation, Conflict, ConflictSide, DocMeta, DocRecord, Evidence, Removal, StoredDoc

#: Citation markers as the pipeline writes them: ``[1]``, ``[1][2]``.
CITE_MARKER = re.compile(r"\[(\d{1,4})\]")
DISAGREE_FLAG = "⚠ Sources disagree"
DRAFT_BADGE = "unverified draft: being checked against the sources…"


def esc(text: object) -> str:
    """HTML-escape any value (quotes included), so it is safe in text and attributes."""
    return html.escape("" if text is None else str(text), quote=True)


def squash(text: str) -> str:
    """Collapse runs of whitespace (quotes are shown on one line)."""
    return " ".join((text or "").split())


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters with an ellipsis."""
    text = squash(text)
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"


def display_source(source: str) -> str:
    """The source path as shown: relative to the working folder when inside it."""
    try:
        return str(Path(source).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return source


def doc_date(meta: DocMeta) -> str:
    """Published date, else the date as printed, else ''."""
    return meta.published or meta.date_text or ""


# -- references (anything that opens the source viewer) ------------------------------------


def ref_button(doc_id: str, start: int, end: int, label: str, *, title: str = "", css: str = "cr-ref") -> str:
    """A focusable button that opens ``doc_id`` in the viewer with ``[start, end)`` highlighted."""
    tip = f' title="{esc(title)}"' if title else ""
    return (
        f'<button type="button" class="{css}" data-doc="{esc(doc_id)}" data-start="{int(start)}" '
        f'data-end="{int(end)}"{tip} aria-label="{esc(label + (": " + title if title else ""))}">{esc(label)}</button>'
    )


def cite_button(c: Citation) -> str:
    """``[n]`` as a button pointing at the cited span (the article's top, nothing highlighted, for a record field)."""
    start, end = (0, 0) if c.field is not None else (c.start, c.end)
    return ref_button(c.doc_id, start, end, f"[{c.n}]", title=c.title, css="cr-cite")


def link_citations(text: str, citations: Sequence[Citation]) -> str:
    """Escape answer text and turn each ``[n]`` that has a citation into a citation button."""
    by_n = {c.n: c for c in citations}

    def repl(m: re.Match) -> str:
        c = by_n.get(int(m.group(1)))
        return cite_button(c) if c else m.group(0)

    # Escaping never produces "[digits]", so markers survive it unchanged.
    return CITE_MARKER.sub(repl, esc(text))


# -- answers -------------------------------------------------------------------------------


@dataclass
class ChatTurn:
    """One question in the chat and what became of it (UI state, not a pipeline type)."""

    question: str
    draft: str = ""
    answer: Answer | None = None
    error: str | None = None
    waiting: str = ""  # "2nd in line, about 40 s" while the question waits for its turn
    as_of: datetime.date | None = None  # the day it was asked as of (None: today)


def as_of_note(as_of: datetime.date | None) -> str:
    """' as of 2023-01-05' after a question asked as of a given day (its answer depends on the day); '' for today."""
    return f' <span class="cr-muted cr-as-of">as of {as_of.isoformat()}</span>' if as_of else ""


def render_draft(text: str, waiting: str = "") -> str:
    """The streaming, unverified draft, visibly marked as such; before it, the question's place in line."""
    if text:
        body = esc(text)
    elif waiting:
        body = f'<span class="cr-muted cr-waiting">{esc(waiting)}: other questions are being answered first…</span>'
    else:
        body = '<span class="cr-muted">retrieving evidence…</span>'
    return (
        f'<div class="cr-draft" aria-live="polite" aria-busy="true"><span class="cr-badge cr-badge-draft">'
        f'{esc(DRAFT_BADGE)}</span><div class="cr-draft-text">{body}<span class="cr-caret" aria-hidden="true">▍</span>'
        f"</div></div>"
    )


_FIELD_LABELS = {"author": "author", "published": "published", "source_name": "publisher"}


def _record_label(c: Citation) -> str:
    """'article record · author:' before a citation of the metadata record instead of the text."""
    if c.field is None:
        return ""
    return f'<span class="cr-record">article record · {esc(_FIELD_LABELS[c.field])}:</span> '


def render_citation_list(citations: Sequence[Citation]) -> str:
    """Numbered list of cited spans, each with its button and title."""
    if not citations:
        return ""
    items = "".join(
        f'<li>{cite_button(c)} {_record_label(c)}<span class="cr-quote">“{esc(shorten(c.text, 240))}”</span> '
        f'<span class="cr-src">— {esc(c.title or display_source(c.source))}</span></li>'
        for c in citations
    )
    return f'<ol class="cr-citations" aria-label="Citations">{items}</ol>'


def render_side(side: ConflictSide) -> str:
    """One side of a disagreement: the quote, who said it, where, and a view-in-context button."""
    who = f'<div class="cr-who">{esc(side.attributed_to)} says:</div>' if side.attributed_to else ""
    return (
        f'<figure class="cr-side">{who}<blockquote>“{esc(squash(side.text))}”</blockquote>'
        f'<figcaption><div class="cr-title">{esc(side.title or "(untitled)")}</div>'
        f'<div class="cr-src">{esc(display_source(side.source))}</div>'
        f"{ref_button(side.doc_id, side.start, side.end, 'View in context', title=side.title)}</figcaption></figure>"
    )


def render_conflict(c: Conflict) -> str:
    """One conflict with its sides quoted side by side."""
    sides = "".join(render_side(s) for s in c.sides)
    topic = f'<span class="cr-topic">{esc(c.topic)}</span> ' if c.topic else ""
    return (
        f'<div class="cr-conflict" data-kind="{esc(c.kind)}"><div class="cr-conflict-head">{topic}'
        f'<span class="cr-kind">{esc(c.kind)}</span> <span class="cr-score">confidence {c.score:.2f}</span>'
        f'<div class="cr-summary">{esc(c.summary)}</div></div>'
        f'<div class="cr-sides" style="--cr-n:{len(c.sides)}">{sides}</div></div>'
    )


def render_conflicts(conflicts: Sequence[Conflict]) -> str:
    """The '⚠ Sources disagree' flag and every conflict, strongest first; '' when none."""
    if not conflicts:
        return ""
    body = "".join(render_conflict(c) for c in sorted(conflicts, key=lambda c: -c.score))
    return (
        f'<section class="cr-conflicts" role="alert" aria-label="Sources disagree">'
        f'<div class="cr-flag">{esc(DISAGREE_FLAG)}</div>{body}</section>'
    )


def render_answer(a: Answer) -> str:
    """A verified answer: text with citation buttons, the disagreement flag, citations, timings."""
    flag = f'<div class="cr-flag cr-flag-top">{esc(DISAGREE_FLAG)}</div>' if a.conflicts else ""
    badge = {
        "generated": '<span class="cr-badge cr-badge-ok">verified</span>',
        "extractive": '<span class="cr-badge cr-badge-quote">quoted from sources</span>',
        "disagreement": '<span class="cr-badge cr-badge-quote">the sources disagree</span>',
        "metadata": '<span class="cr-badge cr-badge-ok">from the article\'s record</span>',
        "abstained": '<span class="cr-badge cr-badge-none">not in the articles</span>',
    }[a.mode]
    t = a.timings
    meta = f"{a.mode} · {t.total:.1f}s"
    if t.to_first_token:
        meta += f" · first word after {t.to_first_token:.1f}s"
    if t.tokens_per_s:
        meta += f" · {t.tokens_per_s:.0f} tok/s"
    return (
        f'<div class="cr-answer cr-mode-{esc(a.mode)}">{flag}{badge}'
        f'<div class="cr-answer-text">{link_citations(a.answer, a.citations)}</div>'
        f"{render_citation_list(a.citations)}{render_conflicts(a.conflicts)}"
        f'<div class="cr-meta">{esc(meta)}</div></div>'
    )


def render_notice(message: str, kind: str = "error") -> str:
    """An inline notice (error, warning or info), escaped."""
    kind = kind if kind in ("error", "warning", "info") else "error"
    return f'<div class="cr-notice cr-notice-{kind}" role="status">{esc(message)}</div>'


def render_turn(turn: ChatTurn) -> str:
    """A question and its answer, draft or error."""
    q = f'<div class="cr-q"><span class="cr-who-q">You</span> {esc(turn.question)}{as_of_note(turn.as_of)}</div>'
    if turn.error:
        draft = render_notice("Unverified draft: " + turn.draft, "info") if turn.draft else ""
        body = draft + render_notice(turn.error)
    elif turn.answer is not None:
        body = render_answer(turn.answer)
    else:
        body = render_draft(turn.draft, turn.waiting)
    return f'<div class="cr-turn">{q}{body}</div>'


def render_transcript(turns: Sequence[ChatTurn], empty_hint: str = "") -> str:
    """The whole chat."""
    if not turns:
        return f'<div class="cr-transcript cr-empty">{esc(empty_hint)}</div>'
    return '<div class="cr-transcript">' + "".join(render_turn(t) for t in turns) + "</div>"


# -- documents -----------------------------------------------------------------------------


def _merge(spans: Iterable[tuple[int, int]], n: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted((max(0, min(s, n)), max(0, min(e, n))) for s, e in spans):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def highlight(text: str, start: int | None, end: int | None, others: Iterable[tuple[int, int]] = ()) -> str:
    """Escape ``text`` with ``[start, end)`` (character offsets) marked as the target and ``others`` marked lightly.

    Offsets are clamped to the text; the target keeps its exact bounds even when it overlaps others.
    """
    n = len(text)
    target = None
    if start is not None and end is not None:
        s, e = max(0, min(start, n)), max(0, min(end, n))
        target = (s, e) if e > s else None
    light = [(s, e) for s, e in _merge(others, n)]
    if target:
        # cut the light spans around the target so marks never nest
        cut = []
        for s, e in light:
            if e <= target[0] or s >= target[1]:
                cut.append((s, e))
            else:
                if s < target[0]:
                    cut.append((s, target[0]))
                if e > target[1]:
                    cut.append((target[1], e))
        light = cut
    marks = [(s, e, False) for s, e in light] + ([(target[0], target[1], True)] if target else [])
    marks.sort()
    parts, pos = [], 0
    for s, e, is_target in marks:
        parts.append(esc(text[pos:s]))
        if is_target:
            parts.append(f'<mark class="cr-hl cr-hl-target" tabindex="-1">{esc(text[s:e])}</mark>')
        else:
            parts.append(f'<mark class="cr-hl cr-hl-other">{esc(text[s:e])}</mark>')
        pos = e
    parts.append(esc(text[pos:]))
    return "".join(parts)


def render_doc_header(rec: DocRecord) -> str:
    """Title, source path, date and size of a document."""
    m = rec.meta
    bits = [f'<span class="cr-src">{esc(display_source(rec.source))}</span>']
    if doc_date(m):
        bits.append(f'<span class="cr-date">{esc(doc_date(m))}</span>')
    if m.author:
        bits.append(f'<span class="cr-author">{esc(m.author)}</span>')
    if m.source_name:
        bits.append(f'<span class="cr-site">{esc(m.source_name)}</span>')
    title = esc(m.title or "(untitled)") + (' <span class="cr-muted">(title guessed)</span>' if m.title_inferred else "")
    return f'<header class="cr-doc-head"><h3 class="cr-doc-title">{title}</h3><div class="cr-doc-meta">{" · ".join(bits)}</div></header>'


def render_removed(removed: Sequence[Removal], limit: int = 50) -> str:
    """What cleaning dropped, as a collapsed list."""
    if not removed:
        return ""
    items = "".join(
        f'<li><span class="cr-reason">{esc(r.reason)}</span>: <code>{esc(shorten(r.text, 160))}</code></li>'
        for r in removed[:limit]
    )
    more = f"<li>… and {len(removed) - limit} more</li>" if len(removed) > limit else ""
    return f'<details class="cr-removed"><summary>Cleaning removed {len(removed)} piece(s)</summary><ul>{items}{more}</ul></details>'


def render_document(
    doc: StoredDoc, start: int | None = None, end: int | None = None, others: Iterable[tuple[int, int]] = ()
) -> str:
    """The source viewer: header, the clean text with the span highlighted, and the removal log."""
    note = ""
    if start is not None and end is not None and not (0 <= start < end <= len(doc.text)):
        note = render_notice(
            f"The cited span ({start}-{end}) lies outside this document ({len(doc.text)} characters); "
            "the document may have been re-ingested since the answer was given.",
            "warning",
        )
    elif start is not None and doc.meta.page_at(start) is not None:
        note = f'<div class="cr-page">Cited span on page {doc.meta.page_at(start)} of {len(doc.meta.page_starts)}</div>'
    return (
        f'<article class="cr-doc">{render_doc_header(doc)}{note}'
        f'<div class="cr-doc-text">{highlight(doc.text, start, end, others)}</div>{render_removed(doc.removed)}</article>'
    )


def render_viewer_placeholder() -> str:
    """What the viewer shows before a citation is opened."""
    return '<div class="cr-viewer-empty">Select a citation <b>[n]</b> or “View in context” to read the source here.</div>'


# -- compare: one column per article ---------------------------------------------------------


@dataclass
class DocEvidence:
    """One article's evidence for a question, for the compare view."""

    doc_id: str
    title: str
    source: str
    items: list[Evidence] = field(default_factory=list)
    cited: dict[tuple[int, int], int] = field(default_factory=dict)

    @property
    def best(self) -> float:
        return max((e.score for e in self.items), default=0.0)


def group_by_document(answer: Answer, per_doc: int = 3) -> list[DocEvidence]:
    """Group the answer's evidence per article, best sentences first, articles by their best score.

    Citations that point into an article are kept as ``(start, end) -> n`` so the view can show
    which sentences the answer cited.
    """
    groups: dict[str, DocEvidence] = {}
    for e in answer.evidence:
        g = groups.setdefault(e.doc_id, DocEvidence(doc_id=e.doc_id, title=e.title, source=e.source))
        g.items.append(e)
    for c in answer.citations:
        g = groups.setdefault(c.doc_id, DocEvidence(doc_id=c.doc_id, title=c.title, source=c.source))
        g.cited[(c.start, c.end)] = c.n
        if not any((e.start, e.end) == (c.start, c.end) for e in g.items):
            g.items.append(Evidence(key=c.n, **c.span_fields()))
    out = []
    for g in groups.values():
        ranked = sorted(g.items, key=lambda e: ((e.start, e.end) not in g.cited, -e.score, e.start))
        g.items = ranked[:per_doc]
        out.append(g)
    return sorted(out, key=lambda g: (-g.best, g.title))


def render_source_answer(view) -> str:
    """An article's own answer at the top of its Compare column; a red mark when it disagrees with the lead."""
    if view is None or view.answer is None:
        return '<div class="cr-own-answer cr-none">No answer to this question in its evidence.</div>'
    mark = '<span class="cr-differs" title="differs from the leading answer">≠ disagrees</span> ' if view.disagrees else ""
    ref = ref_button(view.doc_id, view.quote.start, view.quote.end, "View in context", title=view.title)
    how = (' <span class="cr-read-by" title="the LLM read this article alone; its answer was checked against the '
           'article\'s text">(read by the LLM)</span>') if getattr(view, "basis", None) == "reading" else ""
    return (f'<div class="cr-own-answer{" cr-disagrees" if view.disagrees else ""}">{mark}'
            f'Answer: <strong>{esc(squash(view.answer))}</strong>{how} {ref}</div>')


def render_compare(answer: Answer, groups: Sequence[DocEvidence], records: dict[str, DocRecord] | None = None,
                   views: Sequence | None = None, as_of: datetime.date | None = None) -> str:
    """Side by side: each article's own answer and what it says about the question (one column per article);
    ``as_of``: the day it was asked as of (None: today)."""
    records = records or {}
    by_doc: dict[str, list] = {}
    for v in views or []:
        by_doc.setdefault(v.doc_id, []).append(v)
    if not groups:
        return render_notice("No article holds evidence for this question.", "info")
    cols = []
    for g in groups:
        rec = records.get(g.doc_id)
        date = doc_date(rec.meta) if rec else ""
        items = []
        for e in g.items:
            n = g.cited.get((e.start, e.end))
            chip = f'<span class="cr-chip">cited [{n}]</span> ' if n else ""
            items.append(
                f'<li>{chip}<span class="cr-quote">“{esc(squash(e.text))}”</span> '
                f'<span class="cr-score">{e.score:.2f}</span> '
                f"{ref_button(e.doc_id, e.start, e.end, 'View in context', title=g.title)}</li>"
            )
        cols.append(
            f'<section class="cr-col"><h4 class="cr-title">{esc(g.title or "(untitled)")}</h4>'
            f'<div class="cr-src">{esc(display_source(g.source))}{(" · " + esc(date)) if date else ""}</div>'
            f'{"".join(render_source_answer(v) for v in by_doc.get(g.doc_id, [None])) if views is not None else ""}'
            f'<ol class="cr-evidence">{"".join(items)}</ol></section>'
        )
    head = (
        f'<div class="cr-compare-answer"><div class="cr-q">{esc(answer.question)}{as_of_note(as_of)}</div>'
        f'{render_answer(answer) if answer.answer else ""}</div>'
    )
    return f'{head}<div class="cr-compare" style="--cr-n:{len(groups)}">{"".join(cols)}</div>'


# -- corpus, ingest, scan ------------------------------------------------------------------


def render_corpus(records: Sequence[DocRecord], removed: dict[str, list[Removal]] | None = None, limit: int = 500) -> str:
    """The ingested articles as a table: title (opens the viewer), source, date, chunks, cleaning (first ``limit``)."""
    removed = removed or {}
    if not records:
        return render_notice("No articles ingested yet: upload files below, or run `rag ingest corpus/`.", "info")
    rows = []
    for r in records[:limit]:
        rem = removed.get(r.doc_id)
        cleaning = render_removed(rem) if rem else (f"{r.n_removed} removed" if r.n_removed else "nothing")
        rows.append(
            f"<tr><td>{ref_button(r.doc_id, 0, 0, r.meta.title or '(untitled)', css='cr-ref cr-doc-link')}</td>"
            f"<td>{esc(display_source(r.source))}</td><td>{esc(doc_date(r.meta))}</td>"
            f'<td class="cr-num">{r.n_chunks}</td><td class="cr-num">{r.n_chars:,}</td><td>{cleaning}</td></tr>'
        )
    shown = f" (showing the first {limit})" if len(records) > limit else ""
    return (
        f'<div class="cr-corpus-count">{len(records)} article(s){shown}</div><table class="cr-table">'
        "<thead><tr><th>Title</th><th>Source</th><th>Date</th><th>Chunks</th><th>Characters</th>"
        f'<th>Cleaning removed</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


#: Columns of the per-file ingest result table.
INGEST_COLUMNS = ("file", "status", "title", "chunks", "reason")


def render_ingest_results(rows: Sequence[dict], summary: str = "") -> str:
    """Per-file outcome of an upload (added, updated, unchanged, duplicate, skipped with reason)."""
    if not rows:
        return render_notice("No files were uploaded.", "info")
    body = "".join(
        f'<tr class="cr-status-{esc(r.get("status", ""))}">'
        + "".join(f"<td>{esc(r.get(c, '') if r.get(c) is not None else '')}</td>" for c in INGEST_COLUMNS)
        + "</tr>"
        for r in rows
    )
    head = "".join(f"<th>{esc(c)}</th>" for c in INGEST_COLUMNS)
    top = f'<div class="cr-summary">{esc(summary)}</div>' if summary else ""
    return f'{top}<table class="cr-table cr-ingest"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def group_by_topic(conflicts: Sequence[Conflict]) -> dict[str, list[Conflict]]:
    """Conflicts grouped by ``topic`` (or kind when untitled), groups ordered by their strongest conflict."""
    groups: dict[str, list[Conflict]] = {}
    for c in conflicts:
        groups.setdefault(c.topic or f"({c.kind})", []).append(c)
    for v in groups.values():
        v.sort(key=lambda c: -c.score)
    return dict(sorted(groups.items(), key=lambda kv: -kv[1][0].score))


def render_scan(conflicts: Sequence[Conflict]) -> str:
    """Every disagreement found in the corpus, grouped by topic."""
    if not conflicts:
        return render_notice("No disagreements found between the ingested articles.", "info")
    parts = [f'<div class="cr-flag">{esc(DISAGREE_FLAG)}: {len(conflicts)} disagreement(s)</div>']
    for topic, items in group_by_topic(conflicts).items():
        parts.append(
            f'<section class="cr-topic-group"><h3>{esc(topic)} <span class="cr-muted">({len(items)})</span></h3>'
            + "".join(render_conflict(c) for c in items)
            + "</section>"
        )
    return "".join(parts)


def render_metrics(by_system: dict[str, dict[str, object]], facts: dict[str, object] | None = None, title: str = "") -> str:
    """Metric names down, one column per system (ours, baseline), plus the run's facts."""
    if not by_system or not any(by_system.values()):
        return render_notice("The run reported no metrics.", "info")

    def fmt(v: object) -> str:
        if v is None:
            return "–"
        return f"{v:.3f}" if isinstance(v, float) else str(v)

    systems = list(by_system)
    names = list(dict.fromkeys(k for m in by_system.values() for k in m))
    head = "".join(f"<th class='cr-num'>{esc(s)}</th>" for s in systems)
    rows = "".join(
        f"<tr><td>{esc(k)}</td>" + "".join(f"<td class='cr-num'>{esc(fmt(by_system[s].get(k)))}</td>" for s in systems) + "</tr>"
        for k in names
    )
    cap = f"<caption>{esc(title)}</caption>" if title else ""
    facts_html = ""
    if facts:
        facts_html = '<ul class="cr-facts">' + "".join(f"<li>{esc(k)}: <code>{esc(v)}</code></li>" for k, v in facts.items()) + "</ul>"
    return (f'{facts_html}<table class="cr-table cr-metrics">{cap}<thead><tr><th>metric</th>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table>")
