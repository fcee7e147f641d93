"""``rag serve``: the web app (chat with cited answers, sources, corpus, disagreements, evaluation)."""

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
@click.option("--concurrency", default=4, show_default=True, type=click.IntRange(1, 64),
              help="Questions processed at once; more wait in the queue.")
@click.option("--allow-endpoint-edit/--no-allow-endpoint-edit", default=None,
              help="Let users point the LLM at another server from the Settings tab (default: only on loopback).")
@click.option("--no-warm-up", is_flag=True, help="Start at once and load the models on the first question.")
@click.pass_obj
def serve(state: State, host: str, port: int, share: bool, auth_file: str | None, insecure_no_auth: bool,
          concurrency: int, allow_endpoint_edit: bool | None, no_warm_up: bool) -> None:
    """Start the web app on http://HOST:PORT.

    Ask questions with streamed, verified, cited answers; open each citation in
    its article; see where sources disagree; compare sources side by side; upload
    or remove articles; run evaluation sets; change settings per session.

    A login is read from env RAG_UI_USER and RAG_UI_PASSWORD, or from --auth-file.
    Listening beyond this machine (--host 0.0.0.0, --share) requires one unless
    --insecure-no-auth is given.

    \b
    Example:
        rag serve
        RAG_UI_USER=ana RAG_UI_PASSWORD=... rag serve --host 0.0.0.0 --port 8080
    """
    from rag.errors import RagError
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
    demo = build_app(
        settings,
        concurrency=concurrency,
        allow_endpoint_edit=is_loopback(host) and not share if allow_endpoint_edit is None else allow_endpoint_edit,
    )
    if not no_warm_up:
        click.echo("Loading models…", err=True)
        try:
            demo.corroborate.pipelines.base().warm_up()
        except (RagError, ImportError) as e:
            # The app still starts; each question then shows this error to the user.
            click.secho(f"Warning: models did not load: {e}", fg="yellow", err=True)
    click.echo(f"Store: {settings.store_path if settings.store.mode == 'local' else settings.store.host}", err=True)
    sys.stdout.flush()
    launch(demo, host=host, port=port, share=share, auth=auth)
