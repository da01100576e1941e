"""The interactive map: a self-contained page that a real browser renders with no network."""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from sim.units import NM_M
from tests.plotting.builders import fake_replication

pytest.importorskip("bokeh")
from sim.plotting.interactive import interactive_map

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")

COLOURS = {  # what each layer is drawn with (sim.plotting.interactive)
    "land": "#d9d4c7",
    "dprk tracks": "#D55E00",  # at line alpha 0.7 over the sea colour #eaf2f8
    "patrol detections": "#0072B2",
    "interdictions": "#CC79A7",
    "transfers": "#000000",
}


@pytest.fixture(scope="module")
def run_tables(korea):
    """Events of a fake replication and three DPRK tracks in the East China Sea."""
    events, _, _ = fake_replication("crackdown_2018", 0, days=30, voyages=12)
    events = events.copy()
    events.loc[events.index[:5], "kind"] = "detection"
    x0, y0 = korea.to_xy(123.5, 30.0)
    legs = []
    for v in range(3):
        for k in range(4):
            legs.append(
                {
                    "vessel": f"D{v}",
                    "role": "dprk",
                    "t0_h": 24.0 * k,
                    "t1_h": 24.0 * (k + 1),
                    "x0_m": float(x0) + k * 20 * NM_M,
                    "y0_m": float(y0) + v * 30 * NM_M,
                    "x1_m": float(x0) + (k + 1) * 20 * NM_M,
                    "y1_m": float(y0) + v * 30 * NM_M,
                    "ais_on": bool(k % 2),
                    "identity": f"D{v}",
                    "activity": "transit",
                }
            )
    return events, pd.DataFrame(legs)


def test_page_is_self_contained(korea, run_tables, tmp_path):
    """BokehJS is inlined: no script or stylesheet is loaded from anywhere."""
    events, tracks = run_tables
    page = interactive_map(korea, events, tracks, patrol_areas=["ecs_high_seas"]).html()
    assert not re.findall(r"<script[^>]+src=", page)
    assert not re.findall(r"<link[^>]+href=\"http", page)
    assert "Bokeh" in page and len(page) > 500_000  # the library itself is in the page


@pytest.mark.skipif(BROWSER is None, reason="needs chromium (apt-get install chromium)")
def test_headless_browser_renders_the_features_offline(korea, run_tables, tmp_path):
    """Chromium with every connection refused loads the page and builds every layer."""
    events, tracks = run_tables
    m = interactive_map(korea, events, tracks, patrol_areas=["ecs_high_seas"], title="t")
    path = m.save(tmp_path / "map.html")
    shot = tmp_path / "map.png"
    out = subprocess.run(
        [
            BROWSER,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--proxy-server=127.0.0.1:9",  # nothing listens: any network request fails
            "--proxy-bypass-list=<-loopback>",
            "--virtual-time-budget=10000",
            "--window-size=1000,900",
            f"--screenshot={shot}",
            path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shot.exists(), out.stderr[-2000:]
    import matplotlib.image as mpimg
    from matplotlib.colors import to_rgb

    img = mpimg.imread(shot)[..., :3]
    sea = np.array(to_rgb("#eaf2f8"))
    for layer, colour in COLOURS.items():  # every layer left pixels of its own colour
        want = np.array(to_rgb(colour))
        if layer == "dprk tracks":
            want = 0.7 * want + 0.3 * sea
        hit = (np.abs(img - want).max(axis=-1) < 0.04).sum()
        assert hit > 20, f"{layer} not drawn ({hit} pixels of {colour})"
