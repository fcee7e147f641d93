"""The Gradio Blocks app: tabs, components and the wiring of each to a :class:`~ui.handlers.CorroborateUI` handler."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import gradio as gr

from rag.serving.line import AskLine
from rag.settings import Settings
from ui import render as R
from ui.handlers import AS_OF_LABEL, CorroborateUI

# Clickable HTML: any <button data-doc> inside asks the server to open that span in the viewer.
REF_JS = """
element.addEventListener('click', (ev) => {
  const b = ev.target.closest('button[data-doc]');
  if (!b || !element.contains(b)) return;
  ev.preventDefault();
  trigger('click', {doc_id: b.dataset.doc, start: parseInt(b.dataset.start, 10) || 0,
                    end: parseInt(b.dataset.end, 10) || 0});
});
"""
# The viewer scrolls its highlighted span into view whenever it changes.
VIEWER_JS = """
const go = () => {
  const m = element.querySelector('mark.cr-hl-target');
  if (m) setTimeout(() => m.scrollIntoView({block: 'center', behavior: 'smooth'}), 50);
};
watch('value', go);
go();
"""


def _as_of_box(elem_id: str) -> gr.Textbox:
    """The optional day a question is asked as of, beside its question box (empty: today)."""
    return gr.Textbox(label=AS_OF_LABEL, placeholder="YYYY-MM-DD (default: today)", lines=1, max_lines=1, scale=2,
                      min_width=150, elem_id=elem_id)


def build_app(
    settings: Settings,
    pipeline=None,
    *,
    concurrency: int | None = None,
    allow_endpoint_edit: bool = True,
    pipeline_factory: Callable | None = None,
    bench_dirs: list[Path] | None = None,
    line: AskLine | None = None,
) -> gr.Blocks:
    """The Corroborate web app.

    ``pipeline`` (optional) is shared by every user; otherwise one is built from ``settings`` on
    first use. Answers run in the ``line``'s slots (``serve.llm_slots``; built from the settings when not
    given), and a waiting question shows its place in line. ``concurrency`` questions are handled at once
    (default: the slots plus ``serve.max_waiting``, so every waiting question sees its place; more wait in
    Gradio's queue). The handlers are on ``demo.corroborate`` (a CorroborateUI).
    """
    line = line or AskLine.from_settings(settings)
    if concurrency is None:
        concurrency = min(64, line.slots + max(1, line.max_waiting))
    if concurrency < 1:
        raise ValueError(f"concurrency must be greater than 0. Currently, concurrency is {concurrency}")
    ui = CorroborateUI(settings, pipeline, pipeline_factory=pipeline_factory,
                       allow_endpoint_edit=allow_endpoint_edit, bench_dirs=bench_dirs, line=line)
    s = ui.settings
    with gr.Blocks(title="Corroborate", analytics_enabled=False) as demo:
        turns = gr.State([])
        overrides = gr.State({})
        gr.HTML('<h1 class="cr-h1">Corroborate</h1><p class="cr-muted">Answers from your news articles with '
                "exact cited spans, and a flag where the sources disagree.</p>", js_on_load=None)
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        transcript = gr.HTML(R.render_transcript([], ""), js_on_load=REF_JS, elem_id="cr-transcript",
                                             min_height=260, max_height=640, autoscroll=True)
                        with gr.Row():
                            question = gr.Textbox(label="Question", placeholder="e.g. Who brought down the drone?  (Enter to ask)",
                                                  lines=1, max_lines=3, scale=6, autofocus=True, elem_id="cr-question")
                            as_of = _as_of_box("cr-as-of")
                            ask_btn = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="cr-ask")
                        clear_btn = gr.Button("Clear conversation", size="sm", variant="secondary")
                    with gr.Column(scale=2, elem_classes="cr-sticky"):
                        viewer = gr.HTML(R.render_viewer_placeholder(), js_on_load=VIEWER_JS, elem_id="cr-viewer",
                                         elem_classes="cr-viewer", label="Source", max_height=640, container=True)
            with gr.Tab("Compare", id="compare"):
                gr.Markdown("What each article says about one question, side by side. Uses the chat's answer when "
                            "you asked the same question there, as of the same day; otherwise retrieval only (no LLM).")
                with gr.Row():
                    cmp_q = gr.Textbox(label="Question", lines=1, scale=6, elem_id="cr-compare-question",
                                       placeholder="Leave empty to use the last question asked")
                    cmp_as_of = _as_of_box("cr-compare-as-of")
                    cmp_btn = gr.Button("Compare sources", variant="primary", scale=1, min_width=80)
                cmp_out = gr.HTML("", js_on_load=REF_JS, elem_id="cr-compare")
                cmp_viewer = gr.HTML(R.render_viewer_placeholder(), js_on_load=VIEWER_JS, elem_classes="cr-viewer",
                                     elem_id="cr-compare-viewer",
                                     max_height=520, container=True)
            with gr.Tab("Disagreements", id="disagreements"):
                gr.Markdown("Every disagreement between the ingested articles, grouped by topic.")
                scan_btn = gr.Button("Scan the corpus for disagreements", variant="primary")
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        scan_out = gr.HTML("", js_on_load=REF_JS, elem_id="cr-scan")
                    with gr.Column(scale=2, elem_classes="cr-sticky"):
                        scan_viewer = gr.HTML(R.render_viewer_placeholder(), js_on_load=VIEWER_JS, elem_id="cr-scan-viewer",
                                              elem_classes="cr-viewer", max_height=640, container=True)
            with gr.Tab("Corpus", id="corpus"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        corpus_html = gr.HTML("", js_on_load=REF_JS, elem_id="cr-corpus")
                        refresh_btn = gr.Button("Refresh list", size="sm")
                    with gr.Column(scale=2, elem_classes="cr-sticky"):
                        corpus_viewer = gr.HTML(R.render_viewer_placeholder(), js_on_load=VIEWER_JS, elem_id="cr-corpus-viewer",
                                                elem_classes="cr-viewer", max_height=520, container=True)
                gr.Markdown(f"**Add articles** ({', '.join(s.ingest.extensions)}; up to {s.ingest.max_file_mb:g} MB each)")
                with gr.Row():
                    up_files = gr.File(label="Files", file_count="multiple", file_types=list(s.ingest.extensions),
                                       type="filepath", elem_id="cr-upload-files")
                    up_folder = gr.File(label="Folder", file_count="directory", type="filepath", elem_id="cr-upload-folder")
                ingest_btn = gr.Button("Ingest uploads", variant="primary", elem_id="cr-ingest")
                with gr.Row():
                    url_box = gr.Textbox(label="Web page or feed URL", placeholder="https://…", scale=4,
                                         elem_id="cr-url")
                    url_feed = gr.Checkbox(label="RSS/Atom feed: add every new item", value=False, scale=2)
                    url_btn = gr.Button("Fetch", variant="primary", scale=1, min_width=80, elem_id="cr-fetch")
                ingest_out = gr.HTML("", js_on_load=None, elem_id="cr-ingest-results")
                with gr.Row():
                    remove_dd = gr.Dropdown(label="Remove a document", choices=[], scale=4)
                    remove_btn = gr.Button("Remove", variant="secondary", scale=1, min_width=80)
                    confirm_btn = gr.Button("Yes, remove it", variant="stop", scale=1, min_width=80, visible=False)
                remove_out = gr.HTML("", js_on_load=None)
            with gr.Tab("Evaluation", id="evaluation"):
                with gr.Row():
                    eval_set = gr.Dropdown(label="Eval set", choices=ui.eval_choices(), scale=4)
                    eval_limit = gr.Number(label="Max questions (0 = all)", value=20, precision=0, minimum=0, scale=1)
                    eval_btn = gr.Button("Run", variant="primary", scale=1, min_width=80)
                eval_out = gr.HTML("", js_on_load=None)
                eval_plot = gr.BarPlot(None, x="metric", y="value", color="system", y_lim=[0, 1], title="Metrics (0-1)",
                                       x_label_angle=-30, height=320)
            with gr.Tab("Settings", id="settings"):
                gr.Markdown("These apply to your session only; the server's configuration file is not changed.")
                with gr.Row():
                    top_k = gr.Slider(1, 30, value=s.retrieval.top_k, step=1, label="Chunks retrieved (retrieval.top_k)")
                    n_ev = gr.Slider(1, 30, value=s.retrieval.evidence_sentences, step=1,
                                     label="Evidence sentences (retrieval.evidence_sentences)")
                conflicts_on = gr.Checkbox(value=s.conflicts.enabled, label="Check answers for disagreeing sources")
                with gr.Row():
                    backend = gr.Radio(["embedded", "openai"], value=s.llm.backend, label="LLM backend",
                                       interactive=allow_endpoint_edit)
                    api_base = gr.Textbox(value=s.llm.api_base or "", label="LLM endpoint (llm.api_base)",
                                          placeholder="http://localhost:11434/v1", interactive=allow_endpoint_edit)
                    api_model = gr.Textbox(value=s.llm.api_model, label="Model name (llm.api_model)",
                                           interactive=allow_endpoint_edit)
                if not allow_endpoint_edit:
                    gr.Markdown("_Changing the LLM endpoint is disabled on this server (`rag serve --allow-endpoint-edit`)._")
                with gr.Row():
                    apply_btn = gr.Button("Apply", variant="primary")
                    reset_btn = gr.Button("Reset to server settings")
                settings_out = gr.HTML(ui.settings_summary({}), js_on_load=None)

        # chat
        # as_of comes last, so the API's /ask and /compare still take the question alone (the day defaults to today)
        ask_args = dict(fn=ui.ask, inputs=[question, turns, overrides, as_of], outputs=[transcript, question, turns],
                        concurrency_id="ask", concurrency_limit=concurrency, show_progress="hidden")
        question.submit(**ask_args, api_name="ask")
        ask_btn.click(**ask_args, api_visibility="private")
        as_of.submit(**ask_args, api_visibility="private")
        clear_btn.click(ui.clear_chat, outputs=[transcript, turns], api_visibility="private")
        # every clickable reference opens its tab's viewer
        for source, target in ((transcript, viewer), (cmp_out, cmp_viewer), (scan_out, scan_viewer),
                               (corpus_html, corpus_viewer)):
            source.click(ui.on_ref, outputs=target, api_visibility="private", show_progress="minimal")
        cmp_args = dict(fn=ui.compare, inputs=[cmp_q, turns, overrides, cmp_as_of], outputs=cmp_out,
                        concurrency_id="ask", concurrency_limit=concurrency)
        cmp_btn.click(**cmp_args, api_name="compare")
        cmp_q.submit(**cmp_args, api_visibility="private")
        cmp_as_of.submit(**cmp_args, api_visibility="private")
        scan_btn.click(ui.scan, outputs=scan_out, concurrency_id="heavy", concurrency_limit=1, api_name="scan")
        # corpus
        refresh_btn.click(ui.corpus, outputs=[corpus_html, remove_dd], api_visibility="private")
        ingest_btn.click(ui.ingest_uploads, inputs=[up_files, up_folder],
                         outputs=[ingest_out, corpus_html, remove_dd, up_files, up_folder],
                         concurrency_id="heavy", concurrency_limit=1, api_visibility="private")
        url_args = dict(fn=ui.ingest_url, inputs=[url_box, url_feed], outputs=[ingest_out, corpus_html, remove_dd, url_box],
                        concurrency_id="heavy", concurrency_limit=1, api_visibility="private")
        url_btn.click(**url_args)
        url_box.submit(**url_args)
        # two steps: "Remove" asks, "Yes, remove it" deletes
        remove_dd.change(lambda: gr.update(visible=False), outputs=confirm_btn, api_visibility="private")
        remove_btn.click(ui.confirm_remove, inputs=remove_dd, outputs=[remove_out, confirm_btn], api_visibility="private")
        confirm_btn.click(ui.remove_document, inputs=remove_dd, outputs=[remove_out, corpus_html, remove_dd],
                          api_visibility="private").then(lambda: gr.update(visible=False), outputs=confirm_btn,
                                                         api_visibility="private")
        # evaluation
        eval_btn.click(ui.run_eval, inputs=[eval_set, eval_limit, overrides], outputs=[eval_out, eval_plot],
                       concurrency_id="heavy", concurrency_limit=1, api_visibility="private")
        # settings
        apply_btn.click(ui.apply_settings, inputs=[top_k, n_ev, conflicts_on, backend, api_base, api_model, overrides],
                        outputs=[overrides, settings_out], api_visibility="private")
        reset_btn.click(ui.reset_settings, outputs=[top_k, n_ev, conflicts_on, backend, api_base, api_model, overrides,
                                                    settings_out], api_visibility="private")
        demo.load(ui.start_page, outputs=transcript, api_visibility="private")
        demo.load(ui.corpus, outputs=[corpus_html, remove_dd], api_visibility="private")
        demo.load(ui.refresh_eval_sets, outputs=eval_set, api_visibility="private")
    demo.queue(default_concurrency_limit=concurrency, max_size=max(32, 8 * concurrency))
    demo.corroborate = ui  # type: ignore[attr-defined]
    return demo
