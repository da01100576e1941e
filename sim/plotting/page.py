"""What the HTML reports share: the page style and the PNG figures embedded in them.

``build_report`` (the comparison report) and ``build_optimize_report`` write self-contained pages
that open offline, so every figure is saved as a PNG beside the page and embedded base64.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from sim.plotting.style import style

__all__ = ["REPORT_CSS", "save_figure"]


def save_figure(fig: Figure, path: Path) -> str:
    """Save a PNG and return it base64-encoded for embedding."""
    buf = io.BytesIO()
    with style():
        fig.savefig(buf, format="png", dpi=130, bbox_inches="tight")
    data = buf.getvalue()
    path.write_bytes(data)
    plt.close(fig)
    return base64.b64encode(data).decode("ascii")


REPORT_CSS = """
body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;max-width:1100px;
 margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;border-bottom:1px solid #ddd;
 padding-bottom:.2em;margin-top:1.8em}.meta{color:#555;font-size:.9em}
.summary{background:#f4f8fb;border-left:4px solid #0072B2;padding:.6em 1em}
figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.88em;color:#444}table{border-collapse:collapse;font-size:.88em;margin:.8em 0}
th,td{border:1px solid #ddd;padding:.3em .55em;text-align:right;vertical-align:top}
th{background:#f2f2f2}
td:first-child,th:first-child{text-align:left}small{color:#666}.maps{display:grid;
 grid-template-columns:repeat(auto-fill,minmax(480px,1fr));gap:1em}
"""
