"""The Gradio web app: chat with cited answers, source viewer, compare, corpus, disagreements, evaluation.

This module is the entry point other code imports (``rag serve``, the HTTP API, the tests); each job lives
in its own module and is re-exported here:

- :mod:`ui.handlers`: :class:`CorroborateUI`, every handler, callable without a browser;
- :mod:`ui.layout`: :func:`build_app`, the Blocks app that wires the handlers to components;
- :mod:`ui.server`: :func:`launch`, the server with the app's CSS, theme and upload cap;
- :mod:`ui.auth`: loopback detection and the login (``RAG_UI_USER``/``RAG_UI_PASSWORD`` or an auth file);
- :mod:`ui.uploads`: sanitised upload names and the safe copy into the store's uploads folder;
- :mod:`ui.evals`: the eval sets on offer and an eval run's metrics reshaped for the Evaluation tab;
- :mod:`ui.render`: pure functions from typed results to escaped HTML;
- :mod:`rag.pipeline_cache`: one pipeline per configuration, shared with the HTTP API and the MCP server.

Example:
    >>> demo = build_app(get_settings())                 # doctest: +SKIP
    >>> launch(demo, host="127.0.0.1", port=7860)        # doctest: +SKIP
"""

from __future__ import annotations

from rag.errors import ConfigError
from rag.pipeline_cache import PipelineCache, derive_pipeline
from ui.auth import LOOPBACK_NAMES, auth_from_env, check_credentials, is_loopback, read_auth_file
from ui.evals import flatten_metrics, list_eval_sets, normalise_eval_result
from ui.handlers import EMPTY_STORE_MESSAGE, MAX_TURNS, UI_SETTINGS, CorroborateUI, notify, user_message
from ui.layout import REF_JS, VIEWER_JS, build_app
from ui.server import CSS, launch
from ui.uploads import UploadRejected, safe_filename, stage_upload

__all__ = [
    "CSS",
    "EMPTY_STORE_MESSAGE",
    "LOOPBACK_NAMES",
    "MAX_TURNS",
    "REF_JS",
    "UI_SETTINGS",
    "VIEWER_JS",
    "ConfigError",
    "CorroborateUI",
    "PipelineCache",
    "UploadRejected",
    "auth_from_env",
    "build_app",
    "check_credentials",
    "derive_pipeline",
    "flatten_metrics",
    "is_loopback",
    "launch",
    "list_eval_sets",
    "normalise_eval_result",
    "notify",
    "read_auth_file",
    "safe_filename",
    "stage_upload",
    "user_message",
]
