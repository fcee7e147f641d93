"""Starting the web app's server: Gradio's launch with the app's CSS, theme, upload cap and optional login."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import gradio as gr

from ui.auth import check_credentials

if TYPE_CHECKING:
    from ui.handlers import CorroborateUI

UI_DIR = Path(__file__).resolve().parent
CSS = (UI_DIR / "style.css").read_text(encoding="utf-8")


def _theme() -> gr.themes.Base:
    # System fonts only: the default theme would make every browser fetch fonts from Google.
    return gr.themes.Soft(
        font=["ui-sans-serif", "system-ui", "sans-serif"], font_mono=["ui-monospace", "Consolas", "monospace"]
    )


def launch(
    demo: gr.Blocks,
    host: str = "127.0.0.1",
    port: int = 7860,
    share: bool = False,
    auth: list[tuple[str, str]] | None = None,
    prevent_thread_lock: bool = False,
    quiet: bool = False,
    api_routes: list | None = None,
):
    """Start the server with the app's CSS and theme; upload size is capped at ``ingest.max_file_mb``.

    ``api_routes`` (``rag.serving.api.api_routes``) are served by the same FastAPI app, ahead of Gradio's own.
    """
    ui: CorroborateUI | None = getattr(demo, "corroborate", None)
    max_mb = ui.settings.ingest.max_file_mb if ui else 20
    return demo.launch(
        app_kwargs={"routes": list(api_routes)} if api_routes else None,
        server_name=host,
        server_port=port,
        share=share,
        auth=check_credentials(auth) if auth else None,
        auth_message="Corroborate: please log in." if auth else None,
        prevent_thread_lock=prevent_thread_lock,
        quiet=quiet,
        show_error=False,
        max_file_size=f"{max_mb:g}mb",
        css=CSS,
        theme=_theme(),
        ssr_mode=False,
        mcp_server=False,
        pwa=False,
        enable_monitoring=False,
        footer_links=["api", "settings"],
    )
