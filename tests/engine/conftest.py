import numpy as np
import pytest

from tests.corpus import rows


@pytest.fixture(scope="session")
def corpus():
    """The small corpus with real embeddings (the model loads once per test session)."""
    from insights.themes.engine import embeddings

    data = rows()
    vectors = embeddings.embed([text for text, _, _ in data])
    return {
        "texts": [t for t, _, _ in data],
        "tags": [g for _, g, _ in data],
        "needs": [n for _, _, n in data],
        "vectors": np.asarray(vectors),
    }
