"""All configuration in one place.

Precedence (highest first): explicit overrides (CLI ``-o section.key=value``,
``--store``), environment variables (``RAG_SECTION__KEY``), the TOML file
(``$RAG_CONFIG``, else ``./corroborate.toml``, else ``$RAG_HOME/config.toml``),
a named preset from ``rag/configs/``, then the defaults below, which work
offline with the packaged models.

Example:
    >>> s = get_settings(overrides={"retrieval.top_k": "8"})
    >>> s.retrieval.top_k
    8
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from rag.errors import ConfigError
from rag.nli_spec import check_spec  # standard library only: no numpy when settings load

CONFIGS_DIR = Path(__file__).parent / "configs"
#: Version of ingest/clean.py's output, hashed into index names (index_key): bump it whenever cleaning
#: output changes. Kept here, not in ingest, because the core imports no ingest.
CLEANER_VERSION = "2"
#: The preset file of the Settings being built (get_settings sets it): a source below the env and the TOML file.
_PRESET_FILE: ContextVar[Path | None] = ContextVar("preset_file", default=None)


def default_home() -> Path:
    """Where stores, logs and the assembled model live unless configured."""
    return Path(os.environ.get("RAG_HOME") or Path.home() / ".corroborate")


#: An NLI model spec ('corroborate', 'aegis', 'llm', 'onnx:DIR', 'cross-encoder:DIR', 'none'), normalised.
NLISpec = Annotated[str, AfterValidator(check_spec)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    @field_validator("*", mode="before")
    @classmethod
    def _none_word(cls, value, info):
        """'none' or 'null' turns an optional setting off from the command line, the environment or TOML (none of
        which can write a null)."""
        if isinstance(value, str) and value.strip().lower() in ("none", "null"):
            if type(None) in get_args(cls.model_fields[info.field_name].annotation):
                return None
        return value


class StoreSettings(_Section):
    path: Path | None = Field(default=None, description="Chroma persistent directory; default $RAG_HOME/store.")
    mode: Literal["local", "http"] = Field(default="local", description="'local' (embedded) or 'http' (Chroma server).")
    host: str = Field(default="localhost", description="Chroma server host, for mode 'http'.")
    port: int = Field(default=8000, ge=1, le=65535, description="Chroma server port, for mode 'http'.")
    ssl: bool = Field(default=False, description="Use HTTPS to reach the Chroma server.")
    token_env: str | None = Field(default=None, description="Env var holding a Chroma auth token (never stored).")
    collection_prefix: str = Field(default="corroborate", description="Prefix of the collection names.")


class EmbeddingSettings(_Section):
    backend: Literal["sentence-transformers", "onnx", "openai"] = Field(
        default="onnx",
        description="'onnx' (packaged int8 MiniLM, no torch, fast start), 'sentence-transformers' (torch) or 'openai'.",
    )
    model: str | None = Field(default=None, description="Local model folder/file; default the packaged all-MiniLM-L6-v2.")
    batch_size: int = Field(default=64, ge=1, description="Texts embedded per batch.")
    api_base: str | None = Field(default=None, description="Base URL of an OpenAI-compatible embeddings server.")
    api_model: str = Field(default="all-minilm", description="Model name sent to the embeddings server.")
    api_key_env: str | None = Field(default=None, description="Env var holding the server's API key.")
    threads: int = Field(default=0, ge=0, description="CPU threads for the embedder; 0 = library default.")


class IngestSettings(_Section):
    chunk_chars: int = Field(default=700, ge=100, description="Target chunk length in characters (whole sentences).")
    chunk_overlap_sentences: int = Field(default=1, ge=0, description="Sentences repeated at the start of the next chunk.")
    max_file_mb: float = Field(default=20.0, gt=0, description="Files and downloads larger than this are skipped.")
    extensions: list[str] = Field(
        default=[".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"],
        description="File types ingested from folders.",
    )
    allow_private_urls: bool = Field(
        default=False,
        description="Fetch URLs on loopback, private and link-local addresses (e.g. an intranet); off, so a page or "
        "feed cannot point ingest at the machine's own or the local network's services.",
    )
    fetch_timeout_s: float = Field(default=20.0, gt=0, description="Seconds a URL or feed download may take at most.")
    max_redirects: int = Field(default=5, ge=0, le=20, description="Redirects followed per URL at most.")
    feed_max_items: int = Field(
        default=200, ge=1, description="Items read from one RSS/Atom feed at most, in the feed's order."
    )
    user_agent: str = Field(
        default="Corroborate/0.1 (news ingest)", min_length=1, description="User-Agent header sent when fetching."
    )


class RetrievalSettings(_Section):
    top_k: int = Field(default=6, ge=1, description="Chunks kept after fusion.")
    candidates: int = Field(default=30, ge=1, description="Chunks fetched from each of dense and BM25 before fusion.")
    rrf_k: int = Field(default=60, ge=1, description="Reciprocal-rank-fusion constant.")
    focus_search: bool = Field(
        default=True, description="Fuse a third BM25 list over the question's focus ('Who were the victims...' -> victims)."
    )
    focus_weight: float = Field(
        default=0.15, ge=0, le=1, description="Evidence score added for a sentence naming the question's focus."
    )
    recent_days: int | None = Field(
        default=7,
        ge=1,
        description="A question about the time it is asked in ('this week', 'recently') ranks the articles published "
        "in this many days before it higher (a fourth list in the fusion); none turns it off.",
    )
    recent_weight: float = Field(
        default=0.2, ge=0, le=1,
        description="Evidence rank added for a sentence of those articles, for such a question (its relevance score "
        "is unchanged). Chosen on RealTimeQA dev (README, session 16).",
    )
    max_chunks_per_doc: int = Field(default=2, ge=1, description="Source diversity: at most this many chunks per document.")
    evidence_sentences: int = Field(
        default=8, ge=1, description="Evidence sentences judged (QA, conflicts, quotes); the best of them go to the LLM."
    )
    prompt_chars: int = Field(
        default=800,
        ge=0,
        description="Evidence characters in the answer prompt at most (the best sentences, at least one; 0 = all "
        "evidence_sentences). The LLM reads every one before its first word.",
    )
    max_sentences_per_doc: int = Field(default=3, ge=1, description="Evidence sentences per document at most.")
    stored_sentence_vectors: bool = Field(
        default=True,
        description="Score evidence with the sentence vectors pooled at ingest; false embeds every candidate per question.",
    )
    min_relevance: float = Field(
        default=0.30, ge=0, le=1, description="Below this best-evidence relevance the question is abstained on."
    )


class LLMSettings(_Section):
    backend: Literal["embedded", "openai"] = Field(
        default="embedded", description="'embedded' (packaged GGUF via xllamacpp) or 'openai' (a compatible server)."
    )
    model_path: Path | None = Field(default=None, description="A local GGUF file; default the packaged Qwen2.5 1.5B.")
    api_base: str | None = Field(default=None, description="Base URL of an OpenAI-compatible server (Ollama, vLLM...).")
    api_model: str = Field(default="qwen2.5:1.5b-instruct", description="Model name sent to the server.")
    api_key_env: str | None = Field(default=None, description="Env var holding the server's API key.")
    context_window: int = Field(default=4096, ge=512, description="Context size in tokens.")
    max_tokens: int = Field(default=200, ge=16, description="Generated tokens at most per answer.")
    temperature: float = Field(default=0.0, ge=0, le=2, description="Sampling temperature; 0 is deterministic.")
    threads: int = Field(default=0, ge=0, description="CPU threads for the embedded runtime; 0 = all cores.")
    parallel: int = Field(default=1, ge=1, description="Concurrent sequences in the embedded runtime.")
    timeout_s: float = Field(default=120.0, gt=0, description="Timeout for one request to a server.")


class VerifySettings(_Section):
    min_overlap: float = Field(
        default=0.6, ge=0, le=1, description="Share of a sentence's content words that must occur in its cited spans."
    )
    min_similarity: float = Field(default=0.55, ge=0, le=1, description="Embedding similarity to the cited span needed.")
    min_kept_fraction: float = Field(
        default=0.5, ge=0, le=1, description="Below this share of surviving sentences the answer falls back to quotes."
    )
    contradiction_veto: bool = Field(
        default=True, description="Reject a sentence the contradiction detector finds in conflict with its own spans."
    )
    nli: NLISpec = Field(
        default="corroborate",
        description="NLI model that checks each answer sentence against its cited spans: corroborate, aegis, llm, "
        "onnx:DIR, cross-encoder:DIR or none (see rag/nli/).",
    )
    nli_contradiction: float = Field(
        default=0.9, ge=0, le=1,
        description="Remove a sentence the NLI model finds contradicted by its cited spans with at least this probability.",
    )
    nli_entailment: float = Field(
        default=0.9, ge=0, le=1,
        description="Accept a loose paraphrase (low word overlap, nothing invented) its spans entail with at least this "
        "probability; 1 turns the rescue off.",
    )
    framing_min_entailment: float | None = Field(
        default=0.5, ge=0, le=1,
        description="A sentence that keeps words of the question its cited spans lack (the question's framing stated as "
        "fact: 'Amazon is the latest tech giant to announce layoffs') passes only when the NLI model (verify.nli) finds "
        "it entailed by its spans with at least this probability; None turns the test off. Chosen on dev drafts "
        "(README, session 18).",
    )



class AnswerabilitySettings(_Section):
    qa: bool = Field(
        default=True,
        description="Ask the extractive QA model (models/corroborate-qa) whether the evidence answers the question.",
    )
    specifics: bool = Field(
        default=False,
        description="Abstain when a number or name the question gives appears nowhere in the retrieved chunks.",
    )
    asked_years: bool = Field(
        default=True,
        description="Abstain before the LLM when a year the asking clause of a wh-question names ('Who wrote it in "
        "1974?') appears nowhere in the retrieved chunks (rag.answerability.missing_year): the narrow part of "
        "'specifics'. Chosen on dev (README, session 15): SQuAD 2.0 dev 7 more of 411 unanswerable refused, "
        "RealTimeQA dev 1 more of 151 answerable, no other dev set moves.",
    )
    negation: bool = Field(
        default=True,
        description="Abstain before the LLM when the question asks what did not happen ('not', 'never') and the "
        "sentence that best answers it says nothing negative (rag.answerability.negation_unmatched), or asks what is so "
        "and that sentence negates the very word it asks with (negation_added). Chosen on "
        "SQuAD 2.0 dev articles and RealTimeQA dev (README).",
    )
    opposites: bool = Field(
        default=True,
        description="Abstain before the LLM when the sentence that best answers the question uses the opposite of "
        "one of its words instead of it ('most' for 'least'; rag/data/antonyms.txt). Chosen on SQuAD 2.0 dev articles "
        "and RealTimeQA dev (README).",
    )
    substitution: bool = Field(
        default=True,
        description="Abstain before the LLM when the sentence that best answers the question puts another word where "
        "the question names a specific the evidence never has ('American Union law' asked, 'European Union law' "
        "said; rag.answerability.substituted_specific). Chosen on SQuAD 2.0 dev articles and RealTimeQA dev (README).",
    )
    llm_refusal: float | None = Field(
        default=0.25, ge=0, le=1,
        description="Abstain when the answer LLM gives at least this probability to opening its 'INSUFFICIENT "
        "EVIDENCE' reply, even if it would go on to answer; the answer stops at its first token "
        "(rag.answerability.refusal_probability; needs a runtime that reports token probabilities). None: off. "
        "Chosen for the packaged model and the 800-character prompt on SQuAD 2.0 calibration and RealTimeQA dev "
        "questions (README, session 12: 0.2 before); another model leans differently and needs its own value.",
    )
    qa_model: Path | None = Field(default=None, description="QA model folder; default the shipped models/corroborate-qa.")
    reader: bool = Field(
        default=True,
        description="Abstain when the LLM, reading each source about the question on its own (conflicts.reading_*), "
        "finds that none of them answers it. Chosen on SQuAD 2.0 dev articles (README).",
    )
    min_qa_margin: float = Field(
        default=-8.0,
        description="Abstain before the LLM when no evidence sentence's QA margin (answer minus 'no answer') "
        "reaches this. Chosen on dev parts (SQuAD 2.0 calibration articles, RealTimeQA md5 4-7, WikiContradict "
        "dev, bundled): the one refusing the most unanswerable questions while no set refuses over 10 % of its "
        "answerable ones (README). Tied to the model: retraining it moves the scale.",
    )


class ConflictSettings(_Section):
    enabled: bool = Field(default=True, description="Detect contradictions for every question.")
    threshold: float = Field(default=0.7, ge=0, le=1, description="Score at or above which a pair is a conflict.")
    max_pairs: int = Field(default=60, ge=1, description="Candidate sentence pairs scored per question at most.")
    nli: NLISpec = Field(
        default="corroborate",
        description="NLI contradiction signal: corroborate, aegis, llm, onnx:DIR, cross-encoder:DIR or none (see rag/nli/).",
    )
    min_similarity: float = Field(
        default=0.45, ge=0, le=1, description="Cosine similarity two sentences need before they are compared."
    )
    scan_min_similarity: float = Field(
        default=0.5, ge=0, le=1, description="Similarity floor for sentence pairs when scanning a whole store."
    )
    scan_values: bool = Field(
        default=True,
        description="The whole-store scan also asks two close sentences of two documents with the same title the "
        "question they share ('When Paul McCole born?', 'How many dead wounded?') and compares their dates and "
        "figures as answers (rag.conflicts.implicit).",
    )
    scan_values_min_similarity: float = Field(
        default=0.5, ge=0, le=1,
        description="Cosine similarity two sentences need before scan_values compares their dates and figures."
    )
    nli_max_pairs: int = Field(
        default=4, ge=0, description="Candidate pairs per question scored with NLI, both orders (the most ambiguous first)."
    )
    nli_center: float | None = Field(
        default=None, ge=0, le=1,
        description="NLI contradiction probability that counts as neutral evidence; empty = the model's own "
        "neutral point (aegis 0.75: it gives ~0.77 to related non-conflicting pairs).",
    )
    question_max_rank: int = Field(
        default=3, ge=1, description="A conflict bears on a question only if a side is among this many best evidence sentences."
    )
    question_min_similarity: float = Field(
        default=0.58, ge=0, le=1, description="...and its disputed point (summary label) is this close to the question."
    )
    question_min_similarity_open: float = Field(
        default=0.7, ge=0, le=1,
        description="The same for open questions (what/how/why) that name no answer type: a closer match is needed, "
        "since no answer type ties the dispute to what is asked.",
    )
    answers: bool = Field(
        default=True,
        description="Question-focused detection: compare each evidence sentence's own answer to the question "
        "(extractive QA model) across sources (rag/conflicts/answers.py).",
    )
    answer_min_margin: float | None = Field(
        default=None,
        description="QA margin at which the QA model's own span counts as a side for an open question; None: only "
        "typed answers (the date, number or name the question asks for) are compared. On WikiContradict dev the "
        "spans added no conflict at any margin and added false flags on SQuAD 2.0 dev (README).",
    )
    typed_name_min_margin: float | None = Field(
        default=-8.0,
        description="A typed name (not a date or figure) counts as a side only when a second reader agrees: the QA "
        "model reads its sentence as answering (this margin, the abstention floor) or its span shares a word with "
        "the name. None: every typed name counts. Dev replay (README, session 23): SQuAD 2.0 false flags 13 -> 12 / "
        "839 and 57 -> 53 / 2,482; WikiContradict, RGB, RealTimeQA and bundled unchanged.",
    )
    answer_min_coverage: float = Field(
        default=0.6, ge=0, le=1,
        description="Share of the question's content words a side's title + context + sentence must contain.",
    )
    answer_min_weighted_coverage: float | None = Field(
        default=0.45, ge=0, le=1,
        description="Or this share of them weighted by how rare each word is among the stored chunks (BM25 idf, "
        "rag/term_weights.py): a side naming the subject's rare words in other words than the question. None: off. "
        "Chosen on dev (README, session 15): WikiContradict dev 42 -> 46 / 91 flagged, SQuAD 2.0 dev false flags "
        "13 -> 17 / 839, RealTimeQA dev and bundled unchanged.",
    )
    answer_same_document_min_overlap: float | None = Field(
        default=0.55, ge=0, le=1,
        description="Two answers from sentences of one document are rivals only when the sentences restate one fact: "
        "this share of their content words (values left out) in common. One writer giving two dates or names in two "
        "sentences is mostly telling two events. None: one document's sentences are always compared. Chosen on dev "
        "(README, session 20): SQuAD 2.0 dev false flags 98 -> 63 / 2,482 on the QA model's training articles, "
        "16 -> 13 / 839 on the calibration ones; WikiContradict dev loses 1 flag whose sides were another day's "
        "figures; RGB, RealTimeQA and bundled unchanged.",
    )
    answer_min_evidence_score: float | None = Field(
        default=0.6, ge=0, le=1,
        description="Or its sentence's evidence score (embedding similarity and shared words, rag/evidence.py) is at "
        "least this: a sentence close in meaning to the question, worded otherwise ('started using it in 1892' for "
        "'when did it enter service?'). None: off. Chosen on dev (README, session 16).",
    )
    reading: bool = Field(
        default=True,
        description="Ask the LLM for each source's own answer (one call, checked against the sources) and flag sources "
        "that answer differently, for the questions typed answers cannot read (rag/conflicts/source_reading.py).",
    )
    reading_after_answer: bool = Field(
        default=True,
        description="Read the sources after the answer has streamed rather than before it: the first word comes "
        "after the retrieval and the answer's prefill only, and a disagreement (or no source answering) the reading "
        "finds replaces the answer. False reads first and skips the answer call when the reading decides.",
    )
    reading_when_unsure: bool = Field(
        default=True,
        description="Read the sources of a question the QA margin alone would refuse (answerability.min_qa_margin), and "
        "show the disagreement instead when they answer differently. WikiContradict dev: 3 of its 5 margin refusals "
        "were such disagreements; SQuAD 2.0 dev: 39 of its 98 were read, none disagreed (README, session 15).",
    )
    reading_min_sources: int = Field(
        default=2, ge=1, description="Sources about the question needed before the reader is asked (1: always read, "
        "which also lets answerability.reader abstain on single-source questions)."
    )
    reading_min_coverage: float = Field(
        default=0.6, ge=0, le=1,
        description="Share of the question's content words a source's title and sentences must hold to be read.",
    )
    reading_named_min_coverage: float = Field(
        default=1.0, ge=0, le=1,
        description="Share of the question's content words enough for a source that names every entity the question "
        "names (its subject) to be read; 1 (the default) turns this off. 0.35 (preset accurate) flags 3 more of 91 "
        "WikiContradict dev questions, but news articles name the same countries and people, so it reads most "
        "bundled questions: total time p50 11.2 s against 6.1 s there, for no verdict changed (README, session 12).",
    )
    reading_same_title: bool = Field(
        default=True,
        description="Also read a source that names the question's subject and has the same title as one about the "
        "question (another version of one article or page), or, when fewer than two are about it, two such sources "
        "with one title; while reading_max_sources leaves room. WikiContradict dev +2 flagged; no other dev set "
        "reads more (README, session 18).",
    )
    reading_max_sources: int = Field(
        default=2, ge=1, le=26,
        description="Sources (documents) the reader is shown, one LLM call each (about 2 s apiece on two cores); a "
        "third changed no flag on WikiContradict or RealTimeQA dev.",
    )
    reading_max_sentences: int = Field(
        default=2, ge=0, description="Best evidence sentences of each source the reader is shown (0: all); fewer is faster."
    )
    reading_max_tokens: int = Field(default=24, ge=8, description="Tokens the reader may write for one source at most.")
    reading_min_copied: float = Field(
        default=0.75, ge=0, le=1, description="Share of a non-yes/no reading's words that must occur in its own source."
    )
    quantity_tolerance: float = Field(
        default=0.05, ge=0, le=1, description="Relative difference under which two quantities agree (x3 when hedged)."
    )
    bias: float = Field(default=-4.0, description="Intercept of the logistic that turns signals into a score.")
    weights: dict[str, float] = Field(
        default_factory=lambda: {
            "quantity": 5.0,
            "date": 4.5,
            "negation": 4.0,
            "agent": 5.0,
            "substitution": 4.5,
            "contrast": 6.0,
            "similarity": 3.0,
            "same_party": -2.5,
            "nli": 4.0,
        },
        description="Logistic weight per signal (see rag/conflicts/__init__.py); chosen with benchmarks/conflicts_calibration.py.",
    )


class ServeSettings(_Section):
    llm_slots: int = Field(
        default=1, ge=1, description="Questions answered at once (web app, API and MCP together); on 2 cores one is best."
    )
    max_waiting: int = Field(
        default=16, ge=0, description="Questions that may wait in line; past this the API answers 503 with Retry-After."
    )
    max_wait_s: float = Field(
        default=600.0, gt=0, description="A question still in line after this many seconds is told to ask again."
    )
    max_per_client: int = Field(
        default=4, ge=1, description="Questions one API client may have in line or running at once; more get 429."
    )
    max_body_kb: int = Field(default=256, ge=1, description="Largest JSON request body the HTTP API accepts.")
    max_upload_files: int = Field(default=20, ge=1, description="Files one POST /v1/ingest request may carry.")


class Settings(BaseSettings):
    """Every setting of Corroborate, grouped by pipeline stage."""

    model_config = SettingsConfigDict(
        env_prefix="RAG_", env_nested_delimiter="__", extra="forbid", validate_assignment=True
    )

    home: Path = Field(default_factory=default_home, description="Data folder for stores and models.")
    model_cache: Path | None = Field(
        default=None, description="Where assembled model files are cached; default $RAG_HOME/models (env RAG_MODEL_CACHE)."
    )
    store: StoreSettings = Field(default_factory=StoreSettings, description="Vector store.")
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings, description="Embedding model.")
    ingest: IngestSettings = Field(default_factory=IngestSettings, description="Loading and chunking.")
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings, description="Hybrid retrieval.")
    llm: LLMSettings = Field(default_factory=LLMSettings, description="Answer generation.")
    verify: VerifySettings = Field(default_factory=VerifySettings, description="Answer verification.")
    conflicts: ConflictSettings = Field(default_factory=ConflictSettings, description="Contradiction detection.")
    answerability: AnswerabilitySettings = Field(
        default_factory=AnswerabilitySettings, description="Does the evidence answer the question?"
    )
    serve: ServeSettings = Field(
        default_factory=ServeSettings, description="Serving many users: the line of questions and the HTTP API's limits."
    )

    @field_validator("home", mode="after")
    @classmethod
    def _expand_home(cls, v: Path) -> Path:
        return v.expanduser()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, _EnvSource(settings_cls)]
        toml = find_config_file()
        if toml is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml))
        preset = _PRESET_FILE.get()
        if preset is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=preset))
        return tuple(sources)

    # -- derived values -------------------------------------------------
    @property
    def store_path(self) -> Path:
        """The Chroma directory actually used."""
        return (self.store.path or self.home / "store").expanduser()

    @property
    def models_dir(self) -> Path:
        """Where assembled model files are cached."""
        return (self.model_cache or self.home / "models").expanduser()

    def index_key(self) -> str:
        """Hash of everything that changes stored vectors; names the collections.

        Changing the embedding model or the chunking never mixes old and new vectors.
        """
        payload = {
            "embedding": [self.embedding.backend, self.embedding.model, self.embedding.api_model],
            "chunk": [self.ingest.chunk_chars, self.ingest.chunk_overlap_sentences],
            "cleaner": CLEANER_VERSION,
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:10]

    def config_hash(self) -> str:
        """Hash of the whole configuration, stamped on answers and eval runs (serving limits change no answer)."""
        data = self.model_dump(mode="json", exclude={"home", "model_cache", "serve"})
        return hashlib.md5(json.dumps(data, sort_keys=True).encode()).hexdigest()[:12]


class _EnvSource(EnvSettingsSource):
    """The ``RAG_*`` environment, with the documented ``RAG_STORE=DIR`` read as ``store.path``.

    ``RAG_STORE`` names the ``store`` section, so pydantic-settings would parse the folder as JSON for the
    whole section and fail; an explicit ``RAG_STORE__PATH`` wins over it.
    """

    def _load_env_vars(self) -> Mapping[str, str | None]:
        env = dict(super()._load_env_vars())
        key = "RAG_STORE" if self.case_sensitive else "rag_store"
        folder = env.pop(key, None)
        nested = f"{key}{self.env_nested_delimiter}{'PATH' if self.case_sensitive else 'path'}"
        if folder and nested not in env:
            env[nested] = folder
        return env


def find_config_file() -> Path | None:
    """The TOML file in effect, if any."""
    explicit = os.environ.get("RAG_CONFIG")
    if explicit:
        p = Path(explicit).expanduser()
        if not p.is_file():
            raise ConfigError(f"RAG_CONFIG points at {p}, which is not a file.")
        return p
    for p in (Path("corroborate.toml"), default_home() / "config.toml"):
        if p.is_file():
            return p
    return None


def _set_dotted(data: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    node = data
    for part in parts[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise ConfigError(f"Cannot set {dotted!r}: {part!r} is not a section.")
    node[parts[-1]] = value


def format_validation_error(err: ValidationError) -> str:
    """Render pydantic errors as 'field: message' lines."""
    lines = []
    for e in err.errors():
        loc = ".".join(str(x) for x in e["loc"])
        lines.append(f"{loc}: {e['msg']}")
    return "\n".join(lines)


def get_settings(
    settings_or_name: Settings | str | None = None, overrides: dict[str, Any] | None = None
) -> Settings:
    """Build settings from a preset name (``rag/configs/NAME.toml``) or pass them through, then apply overrides.

    ``overrides`` maps dotted keys (``"retrieval.top_k"``) to values (strings are parsed by pydantic).
    """
    if isinstance(settings_or_name, Settings) and not overrides:
        return settings_or_name
    base: dict[str, Any] = {}
    preset: Path | None = None
    if isinstance(settings_or_name, Settings):
        base = settings_or_name.model_dump(exclude_unset=True)
    elif isinstance(settings_or_name, str):
        preset = CONFIGS_DIR / f"{settings_or_name}.toml"
        if not preset.is_file():
            names = sorted(p.stem for p in CONFIGS_DIR.glob("*.toml"))
            raise ConfigError(f"No preset named {settings_or_name!r}. Available: {', '.join(names) or 'none'}.")
        try:
            tomllib.loads(preset.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"The preset {preset} is not valid TOML: {e}.") from None
    for key, value in (overrides or {}).items():
        _set_dotted(base, key, value)
    token = _PRESET_FILE.set(preset)
    try:
        return Settings(**base)
    except ValidationError as err:
        raise ConfigError("Invalid settings:\n" + format_validation_error(err)) from None
    finally:
        _PRESET_FILE.reset(token)
