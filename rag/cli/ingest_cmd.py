"""``rag ingest``: add files and folders to the store."""

from __future__ import annotations

import json
import sys

import click

from rag.cli import State, main


@main.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--feed", "feeds", multiple=True, metavar="URL",
              help="An RSS or Atom feed: ingest every item not yet in the store (repeatable).")
@click.option("--json", "json_", is_flag=True, help="Print the report as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--keep-going", "-k", is_flag=True,
              help="Exit 0 when some paths failed but others went in (still 1 when nothing was ingested).")
@click.pass_obj
def ingest(
    state: State, paths: tuple[str, ...], feeds: tuple[str, ...], json_: bool, quiet: bool, keep_going: bool
) -> None:
    """Ingest .txt, .md, .html, .pdf and .docx files, folders, web pages by URL and RSS/Atom feeds.

    Unchanged files are skipped, changed files replace their old version, bad
    files are reported with their reason and the rest still go in. A URL is
    fetched (http/https only, public addresses unless ingest.allow_private_urls)
    and stored with the URL as its source. Exits 1 when any path failed or
    nothing was ingested (with --keep-going: only when nothing was). Safe to
    re-run after an interruption.

    \b
    Example:
        rag ingest corpus/ extra/article.html report.pdf
        rag ingest https://example.org/news/story.html
        rag ingest --feed https://example.org/world/rss.xml
    """
    from ingest.pipeline import ingest_paths

    if not paths and not feeds:
        raise click.UsageError("Give files, folders or URLs to ingest, or --feed URL.")

    settings = state.settings
    bar = None
    show_bar = not quiet and not json_ and sys.stderr.isatty()

    def progress(done: int, total: int, path: str) -> None:
        nonlocal bar
        if not show_bar:
            return
        if bar is None:
            bar = click.progressbar(length=total, label="Ingesting", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        report = ingest_paths(list(paths), settings, progress=progress, feeds=feeds)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if json_:
        click.echo(json.dumps(report.model_dump(), indent=2))
    else:
        _print_report(report, quiet)
        click.echo(f"store: {settings.store_path if settings.store.mode == 'local' else settings.store.host}")
    if report.nothing_ingested:
        raise click.ClickException(f"nothing was ingested from {', '.join(paths + feeds)}" + _failures(report))
    if report.failed and not keep_going:
        raise click.ClickException(
            f"{len(report.failed)} path(s) could not be ingested; the rest went in "
            "(--keep-going exits 0 in this case)"
        )


def _failures(report) -> str:
    if not report.failed:
        return ": no files of a supported type found"
    return f" ({len(report.failed)} path(s) failed, see above)"


def _print_report(report, quiet: bool) -> None:
    for f in report.files:
        if f.status == "skipped":
            click.secho(f"skipped   {f.path}: {f.reason}", fg="yellow", err=True)
        elif f.status == "duplicate":
            click.secho(f"duplicate {f.path}: {f.reason}", fg="yellow", err=True)
        elif not quiet:
            click.echo(f"{f.status:<9} {f.path} ({f.chunks} chunks) {f.title or ''}".rstrip())
    if report.orphans_removed:
        click.echo(f"removed {report.orphans_removed} chunks left by an interrupted ingest")
    click.secho(report.summary(), bold=True)
