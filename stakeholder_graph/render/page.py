"""What every HTML page shares: the Jinja templates, JSON safe inside a script, and the
vis-network script and stylesheet inlined so a page works offline."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import StakeholderGraphError

__all__ = ["template", "script_json", "json_default", "vis_assets"]


def script_json(value) -> str:
    """JSON safe to place inside <script>: no '<', '>' or '&' can end the script or open a tag."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, default=json_default)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def vis_assets() -> tuple[str, str]:
    """The vis-network 9 script and stylesheet bundled with pyvis, as text to inline."""
    import pyvis
    folder = Path(pyvis.__file__).parent / "templates" / "lib"
    versions = sorted(folder.glob("vis-9*"), key=lambda p: [int(x) for x in p.name[4:].split(".") if x.isdigit()])
    if not versions:
        raise StakeholderGraphError("pyvis's bundled vis-network was not found; reinstall pyvis>=0.3.2")
    lib = versions[-1]
    return (lib / "vis-network.min.js").read_text(encoding="utf-8"), (lib / "vis-network.css").read_text(encoding="utf-8")


def template(name: str):
    import jinja2
    env = jinja2.Environment(loader=jinja2.PackageLoader("stakeholder_graph.render", "templates"),
                             autoescape=jinja2.select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["script_json"] = script_json
    return env.get_template(name)
