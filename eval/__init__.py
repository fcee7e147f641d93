"""Evaluation harness: ``rag eval run SET`` answers a question set through the same
``Pipeline`` as ``rag ask``, scores every answer, and writes a report (markdown and HTML).

Layout (each module has one job):

- ``schema.py``: the JSONL question schema and the result records.
- ``loaders.py``: read a set (a JSONL file, a bench folder with ``docs/``, or the name ``bundled``).
- ``judge.py``: the entailment judge behind citation metrics (lexical+embedding now, NLI later).
- ``metrics.py``: per-question scores and their aggregates; every metric is defined in a docstring.
- ``baseline.py``: a plain llama-index ``CitationQueryEngine`` over the same Chroma collection.
- ``runner.py``: ``run_eval()``, resumable, used by the CLI and the web UI.
- ``report.py``: ``report.md`` and ``report.html`` with inline SVG charts.
- ``compare.py``: two runs side by side.

See ``eval/README.md`` for the metric definitions.
"""
