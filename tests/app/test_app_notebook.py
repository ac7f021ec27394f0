"""notebooks/review.ipynb: at most three short cells, saved clean, and it runs in a real kernel."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.notebooks import code_of_a_short_clean_notebook

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "review.ipynb"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_the_notebook_is_three_short_cells_saved_without_outputs_or_widget_state():
    code = code_of_a_short_clean_notebook(NOTEBOOK)
    assert "from kit.app import ReviewApp" in code and "ReviewApp()" in code


@pytest.mark.kernel
@pytest.mark.slow
def test_the_notebook_runs_headless_and_the_app_saves_on_its_own(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    shutil.copy(NOTEBOOK, tmp_path / "review.ipynb")
    notebook = nbformat.read(tmp_path / "review.ipynb", as_version=4)
    # Checks run after the notebook's own cells, in the same kernel (the file on disk is not changed).
    notebook.cells += [
        nbformat.v4.new_code_cell(
            "rows = app.question_view.visible_rows\n"
            "rows[0].checkbox.value = True\n"
            "assert app.autosaver.pending and app.path is None\n"
            "assert app.risk_panel.chart is not None, 'the first draw ran on the kernel loop'\n"
        ),
        nbformat.v4.new_code_cell(
            "import asyncio\nawait asyncio.sleep(1.5)  # the kernel's loop runs the debounced save"
        ),
        nbformat.v4.new_code_cell(
            "assert app.path is not None and app.path.exists(), app.path\nprint(app.path.parent.name, app.toolbar.saved.value)"
        ),
    ]
    client = nbclient.NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    app_outputs = notebook.cells[1].outputs
    assert [o.output_type for o in app_outputs] == ["execute_result"]
    assert WIDGET_VIEW in app_outputs[0]["data"]
    errors = [
        o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs if o.output_type == "error"
    ]
    assert errors == []
    streams = [
        o for cell in notebook.cells[:2] if cell.cell_type == "code" for o in cell.outputs if o.output_type == "stream"
    ]
    assert streams == []  # no warnings printed under the app
    assert notebook.cells[-1].outputs[0]["text"].startswith("reviews <span class='pk-saved-ok'>saved ")
    assert len(list((tmp_path / "reviews").glob("untitled-*.json"))) == 1
