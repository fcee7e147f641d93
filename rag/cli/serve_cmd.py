"""``rag serve``: the web app (chat with cited answers, sources, corpus, disagreements, evaluation) and the HTTP API."""

from __future__ import annotations

import sys

import click

from rag.cli import State, main


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on. Anything but loopback needs a login (see --auth-file).")
@click.option("--port", default=7860, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--share", is_flag=True, default=False,
              help="Also publish a temporary public gradio.live link (traffic goes through Gradio's relay). Needs a login.")
@click.option("--auth-file", type=click.Path(exists=True, dir_okay=False),
              help="File of 'user:password' lines required to log in (alternative to env RAG_UI_USER/RAG_UI_PASSWORD).")
@click.option("--insecure-no-auth", is_flag=True,
              help="Allow a non-loopback --host or --share without a login (anyone who can reach it can use and change the store).")
@click.option("--slots", type=click.IntRange(1, 16), default=None,
              help="Questions answered at once, web and API together (setting serve.llm_slots, default 1); "
                   "the rest wait in line and see their place.")
@click.option("--concurrency", default=None, type=click.IntRange(1, 64),
              help="Web questions handled at once, waiting ones included (default: slots + serve.max_waiting).")
@click.option("--allow-endpoint-edit/--no-allow-endpoint-edit", default=None,
              help="Let users point the LLM at another server from the Settings tab (default: only on loopback).")
@click.option("--no-warm-up", is_flag=True, help="Start at once and load the models on the first question.")
@click.pass_obj
def serve(state: State, host: str, port: int, share: bool, auth_file: str | None, insecure_no_auth: bool,
          slots: int | None, concurrency: int | None, allow_endpoint_edit: bool | None, no_warm_up: bool) -> None:
    """Start the web app on http://HOST:PORT and the HTTP API on http://HOST:PORT/v1.

    Ask questions with streamed, verified, cited answers; open each citation in
    its article; see where sources disagree; compare sources side by side; upload
    or remove articles; run evaluation sets; change settings per session.

    A login is read from env RAG_UI_USER and RAG_UI_PASSWORD, or from --auth-file.
    Listening beyond this machine (--host 0.0.0.0, --share) requires one unless
    --insecure-no-auth is given.

    The API (/v1/ask, OpenAI-compatible /v1/chat/completions, /v1/docs,
    /v1/conflicts, /v1/ingest; schema at /v1/openapi.json) shares the loaded
    models and the line of questions. It needs 'Authorization: Bearer TOKEN'
    when env RAG_API_TOKEN is set, or HTTP Basic with the login; with neither,
    it answers this machine only. See docs/api.md.

    \b
    Example:
        rag serve
        RAG_UI_USER=ana RAG_UI_PASSWORD=... RAG_API_TOKEN=... rag serve --host 0.0.0.0 --port 8080
    """
    from rag.errors import RagError
    from rag.serving.api import ApiAuth, api_routes
    from rag.serving.line import AskLine
    from rag.serving.service import Service
    from rag.settings import get_settings
    from ui.app import auth_from_env, build_app, is_loopback, launch, read_auth_file

    auth = read_auth_file(auth_file) if auth_file else auth_from_env()
    exposed = share or not is_loopback(host)
    if exposed and not auth:
        where = "a public share link" if share else f"host {host}"
        if not insecure_no_auth:
            raise click.ClickException(
                f"Refusing to serve on {where} without a login: anyone who can reach it could read the articles and "
                "add or remove documents. Set RAG_UI_USER and RAG_UI_PASSWORD (or --auth-file FILE), or pass "
                "--insecure-no-auth if this network is trusted."
            )
        click.secho(f"Warning: serving on {where} WITHOUT a login (--insecure-no-auth).", fg="red", err=True)
    settings = state.settings
    if slots is not None:
        settings = get_settings(settings, {"serve.llm_slots": slots})
    line = AskLine.from_settings(settings)
    demo = build_app(
        settings,
        concurrency=concurrency,
        allow_endpoint_edit=is_loopback(host) and not share if allow_endpoint_edit is None else allow_endpoint_edit,
        line=line,
    )
    ui = demo.corroborate
    service = Service(settings, pipelines=ui.pipelines, line=line)
    api_auth = ApiAuth.from_env(logins=auth, allow_remote=exposed and insecure_no_auth)
    if not no_warm_up:
        click.echo("Loading models…", err=True)
        try:
            demo.corroborate.pipelines.base().warm_up()
        except (RagError, ImportError) as e:
            # The app still starts; each question then shows this error to the user.
            click.secho(f"Warning: models did not load: {e}", fg="yellow", err=True)
    click.echo(f"Store: {settings.store_path if settings.store.mode == 'local' else settings.store.host}", err=True)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    guard = "Bearer token" if api_auth.token else "the login" if api_auth.logins else "this machine only"
    click.echo(f"API: http://{shown}:{port}/v1 ({guard}; {line.slots} slot(s), up to {line.max_waiting} waiting)",
               err=True)
    sys.stdout.flush()
    launch(demo, host=host, port=port, share=share, auth=auth, api_routes=api_routes(service, api_auth))
