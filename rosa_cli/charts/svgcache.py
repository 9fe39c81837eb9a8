"""The HTML report's charts, kept by their figures so an unchanged chart is not drawn again.

Drawing costs: importing matplotlib and laying out 14 charts with their text as
outlines takes about two seconds, whatever the number of records — longer than the
whole warm JSON report at 100,000 calls (issue 16). But a chart is a pure function of
its :class:`~rosa_cli.charts.ChartData` (figures, labels, period, language) and of the
drawing code, so its ``<svg>`` is kept in ``.rosa-cache/charts.marshal`` of the records
folder, keyed on a hash of exactly that: the ChartData's full ``repr``, rosa's code
fingerprint (:func:`rosa_cli.core.cache.code_fingerprint`, every ``.py`` file, the
drawing code included) and matplotlib's installed version. A report whose figures did
not change reuses every chart and never imports matplotlib; a changed figure changes
the key, so the chart is drawn again. The bytes are the same either way (the drawing
is deterministic: fixed hash salt, no dates).

The file holds figures already printed in the report, so it lives, like the records
cache, in the owner-only, git-ignored ``.rosa-cache/``; ``ROSA_NO_CACHE=1`` turns it
off. It keeps the :data:`KEEP` most recent charts. A missing, corrupt or foreign file is
only slower, never wrong: it is rebuilt.
"""

from __future__ import annotations

import marshal
import os
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from rosa_cli.charts import ChartData

CHARTS_FILE = "charts.marshal"
KEEP = 256  # charts kept: a report has at most ~14; languages, periods and --compare multiply
FORMAT = 1


def chart_key(data: ChartData, fingerprint: str, library: str) -> str:
    import hashlib

    text = f"{FORMAT}\0{fingerprint}\0{library}\0{data!r}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _load(path: Path) -> Dict[str, str]:
    try:
        with open(path, "rb") as handle:
            stored = marshal.loads(handle.read())
    except Exception:  # missing, truncated, foreign: start again
        return {}
    if not isinstance(stored, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in stored.items()):
        return {}
    return stored


def _save(path: Path, store: Dict[str, str], current: Sequence[str]) -> None:
    from rosa_cli.core.yamlio import atomic_write_bytes

    # the charts of this report last, so they are the ones kept
    order = [k for k in store if k not in set(current)] + [k for k in dict.fromkeys(current) if k in store]
    kept = {k: store[k] for k in order[-KEEP:]}
    try:
        atomic_write_bytes(path, marshal.dumps(kept))
    except (OSError, ValueError):
        pass  # a cache that cannot be written is only slower


def inline_svgs(charts: List[ChartData], cache_dir: Optional[Path]) -> List[str]:
    """Each chart as an inline ``<svg>`` (:func:`rosa_cli.charts.draw.inline_svg`), from
    ``cache_dir/charts.marshal`` when its figures were drawn before; the others are drawn
    (importing matplotlib only then) and kept. ``cache_dir`` None: draw them all."""
    from rosa_cli.core.cache import ENV_DISABLE, code_fingerprint, library_version

    if cache_dir is None or os.environ.get(ENV_DISABLE) or not cache_dir.is_dir():
        return _draw(charts)
    keys = [chart_key(data, code_fingerprint(cache_dir.parent), library_version("matplotlib")) for data in charts]
    path = cache_dir / CHARTS_FILE
    store = _load(path)
    missing = [i for i, key in enumerate(keys) if key not in store]
    if missing:
        for i, svg in zip(missing, _draw([charts[i] for i in missing])):
            store[keys[i]] = svg
        _save(path, store, keys)
    return [store[key] for key in keys]


def _draw(charts: List[ChartData]) -> List[str]:
    if not charts:
        return []
    from rosa_cli.charts.draw import inline_svg

    return [inline_svg(data) for data in charts]
