"""The ``rag`` command line: a click group whose commands are thin calls into pipeline stages."""

from __future__ import annotations

import os
import sys

import click

from rag.errors import RagError
from rag.offline import apply_offline_env

apply_offline_env()


class State:
    """Options shared by every command; settings are built on first use."""

    def __init__(self, preset: str | None, store: str | None, overrides: tuple[str, ...]):
        self.preset = preset
        self.store = store
        self.overrides = overrides
        self._settings = None

    @property
    def settings(self):
        if self._settings is None:
            from rag.settings import get_settings

            over: dict[str, str] = {}
            for item in self.overrides:
                if "=" not in item:
                    raise click.BadParameter(f"-o expects key=value, got {item!r}", param_hint="-o")
                k, v = item.split("=", 1)
                over[k.strip()] = v.strip()
            if self.store:
                over["store.path"] = self.store
            self._settings = get_settings(self.preset, over or None)
        return self._settings


class RagGroup(click.Group):
    """Turns library errors into one-line messages; unexpected errors re-raise under pytest or RAG_RAISE_ERRORS."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RagError as e:
            raise click.ClickException(str(e)) from None
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, KeyboardInterrupt):
            raise
        except Exception as e:
            if os.environ.get("RAG_RAISE_ERRORS") or "pytest" in sys.modules:
                raise
            raise click.ClickException(f"Unexpected error: {type(e).__name__}: {e} (set RAG_RAISE_ERRORS=1 for a traceback)") from None


@click.group(cls=RagGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--preset", help="Named settings preset from rag/configs/ (e.g. fast).")
@click.option("--store", "store", type=click.Path(file_okay=False), envvar="RAG_STORE",
              help="Chroma store directory (env RAG_STORE; default $RAG_HOME/store, RAG_HOME defaults to ~/.corroborate).")
@click.option("-o", "--set", "overrides", multiple=True, metavar="KEY=VALUE",
              help="Override a setting, e.g. -o retrieval.top_k=8 -o llm.api_base=http://localhost:11434/v1")
@click.version_option(package_name="corroborate")
@click.pass_context
def main(ctx: click.Context, preset: str | None, store: str | None, overrides: tuple[str, ...]) -> None:
    """Corroborate: answers about news articles with verified, span-level citations,
    and flags where the sources disagree.

    \b
    Example:
        rag ingest corpus/
        rag ask "Where was the drone's wreckage found according to Mali?"
    """
    ctx.obj = State(preset, store, overrides)


from rag.cli import ask_cmd, conflicts_cmd, docs_cmd, eval_cmd, ingest_cmd, mcp_cmd, serve_cmd  # noqa: E402,F401  (register commands)

if __name__ == "__main__":  # pragma: no cover
    main()
