"""Checks shared by the tests of the notebooks the kit ships (``notebooks/*.ipynb``)."""

from __future__ import annotations

import json
from pathlib import Path


def code_of_a_short_clean_notebook(path: Path) -> str:
    """Assert the notebook is at most three cells of at most four lines, saved without outputs or
    widget state; return its code cells' source, joined, for the caller's own checks."""
    document = json.loads(path.read_text(encoding="utf-8"))
    cells = document["cells"]
    assert 1 <= len(cells) <= 3
    for cell in cells:
        assert len("".join(cell["source"]).splitlines()) <= 4
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
    assert "widgets" not in document["metadata"]
    return "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
