"""Every notebook runs top to bottom, shows every figure, and is committed without outputs."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# A cell that calls a sim.plotting function (plot_rates(...), plot_tornado(...)) or pyplot.
PLOTTING_CALL = re.compile(r"\bplot_\w+\(|\bplt\.")


def plotting_cells(nb) -> list:
    """Code cells that draw a figure, which the reader must see under the notebook."""
    return [c for c in nb.cells if c.cell_type == "code" and PLOTTING_CALL.search(c.source)]


def has_image(cell) -> bool:
    """Whether the executed cell displayed a PNG figure."""
    return any("image/png" in o.get("data", {}) for o in cell.get("outputs", []))


def test_plotting_cells_are_recognised():
    """The figure check finds the plotting cells (so it cannot pass by finding none)."""
    nb = nbformat.read(ROOT / "notebooks" / "03_sensitivity.ipynb", as_version=4)
    assert len(plotting_cells(nb)) >= 2  # the tornado twice and the sweep


def test_there_are_notebooks():
    """The notebooks the README lists are there."""
    names = {p.name for p in NOTEBOOKS}
    assert {
        "01_quickstart.ipynb",
        "02_compare_patrol_strategies.ipynb",
        "03_sensitivity.ipynb",
        "06_optimise_patrols.ipynb",
    } <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    """Notebooks are committed clean (no outputs, no execution counts)."""
    nb = nbformat.read(path, as_version=4)
    assert all(
        not c.get("outputs") and not c.get("execution_count")
        for c in nb.cells
        if c.cell_type == "code"
    )


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, tmp_path, monkeypatch):
    """The notebook runs top to bottom with small settings and every figure is displayed."""
    monkeypatch.setenv("SIM_NB_REPLICATIONS", "2")
    monkeypatch.setenv("SIM_NB_DAYS", "12")
    monkeypatch.setenv("SIM_NB_WORKERS", "1")
    monkeypatch.setenv("SIM_NB_PARAMETERS", "2")
    monkeypatch.setenv("SIM_NB_OUT", str(tmp_path))
    # The kernel's own backend (Jupyter's inline one), as a user sees it: under Agg no figure
    # is ever displayed and a broken inline display (matplotlib#25041) would go unnoticed.
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.output_type == "error"
    ]
    assert not errors
    missing = [c.source.splitlines()[-1] for c in plotting_cells(nb) if not has_image(c)]
    assert not missing, f"plotting cells without a figure under them: {missing}"
