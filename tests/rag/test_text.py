"""The shared text layer (rag/text/): numbers."""

from __future__ import annotations

import pytest

from rag.text import numbers

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "text, values",
    [
        ("forty-two gliders and eleven more", {42.0, 11.0}),  # one number, not 40 and 2
        ("Twenty one men", {21.0}),
        ("on the twenty-first of May", {21.0}),
        ("forty of them, two left", {40.0, 2.0}),  # a comma parts them
        ("30,000 people in 1,333 km", {30000.0, 1333.0}),
    ],
)
def test_numbers_reads_digits_and_number_words_as_values(text, values):
    assert numbers(text) == values
