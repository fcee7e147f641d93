"""Exceptions that reach users.

The CLI turns every ``RagError`` into a one-line message (``click.ClickException``);
the web UI shows it in a notice. Messages say what to do next.
"""


class RagError(Exception):
    """Base class: shown to the user as-is, without a traceback."""


class ConfigError(RagError):
    """Bad configuration (TOML file, environment variable or ``-o`` override)."""


class ModelError(RagError):
    """A model could not be found, assembled, loaded or reached."""


class StoreError(RagError):
    """The vector store could not be opened, read or written."""


class EmptyStoreError(StoreError):
    """Nothing has been ingested yet; the message names the ingest command."""


class IngestError(RagError):
    """A file could not be ingested; raised per file and reported, never fatal for a batch."""


class InputError(RagError):
    """Bad user input (an empty question, a malformed batch file)."""


class BusyError(RagError):
    """The server is answering other questions and this one cannot wait: the line is full, or it waited too long.

    Web users see the message in the chat; the HTTP API answers 503 with ``Retry-After: retry_after``.
    """

    def __init__(self, message: str, retry_after: int = 30):
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))


class TooManyRequestsError(BusyError):
    """One API client already has as many questions in line as it may; the API answers 429."""
