"""Goal alignment embeds each goal on its own: a goal's vector, and so every pair's score, does not
depend on which other goals were embedded with it (the int8 runtime takes activation ranges per batch)."""

from __future__ import annotations

import numpy as np
import pytest

from search import goal_match

GOAL = "We verminderen het aantal woninginbraken met tien procent."
OTHERS = [
    "Inwoners en ondernemers voelen zich veilig in hun gemeente en worden zelden slachtoffer van "
    "criminaliteit, ook niet online, en weten waar ze signalen van ondermijning kunnen melden.",
    "Actualiseren van het Damoclesbeleid",
]


@pytest.fixture(scope="module")
def embed_in(tmp_path_factory):
    home = tmp_path_factory.mktemp("goal_embedding")
    try:
        goal_match.default_embedder(home, "query")([GOAL])
    except Exception as exc:  # noqa: BLE001 - the model is built from registry packages; absent → skip
        pytest.skip(f"embedding model unavailable: {exc}")
    return lambda texts, where: goal_match.default_embedder(tmp_path_factory.mktemp(where), "query")(texts)


def test_a_goal_gets_the_same_vector_alone_and_beside_other_goals(embed_in):
    alone = embed_in([GOAL], "alone")[0]
    beside = embed_in([*OTHERS, GOAL], "beside")[2]
    assert np.array_equal(alone, beside)


def test_the_vector_is_normalised_and_served_from_the_cache_the_second_time(tmp_path, embed_in):
    embed = goal_match.default_embedder(tmp_path, "query")
    first = embed([GOAL, GOAL])
    assert first.shape[0] == 2 and np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-4)
    again = embed([GOAL])
    assert np.array_equal(first[0], again[0])
