"""The Corroborate web app (Gradio).

``ui.render`` holds pure functions that turn ``Answer``/``Citation``/``Conflict``/``DocRecord``
into escaped HTML (no Gradio import); ``ui.handlers`` the handlers, ``ui.layout`` the Blocks app,
``ui.server`` the launch, ``ui.auth`` the login, ``ui.uploads`` upload checks (no Gradio import) and
``ui.evals`` the Evaluation tab's data. ``ui.app`` re-exports them and is what other code imports.

Example:
    >>> from rag.settings import get_settings
    >>> from ui import build_app, launch
    >>> demo = build_app(get_settings())          # doctest: +SKIP
    >>> launch(demo, host="127.0.0.1", port=7860)  # doctest: +SKIP
"""

from __future__ import annotations

__all__ = ["build_app", "launch"]


def __getattr__(name: str):
    # Gradio is imported only when the app is built, so `import ui.render` stays light.
    if name in __all__:
        from ui import app

        return getattr(app, name)
    raise AttributeError(f"module 'ui' has no attribute {name!r}")
