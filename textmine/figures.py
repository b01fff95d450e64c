"""Figures for the report: horizontal bar charts as PNG, drawn with matplotlib's Agg canvas.

The object API (``Figure`` + ``FigureCanvasAgg``) keeps pyplot's global state
out of the app and the tests. A suppressed cell gets no bar, only its "<3".
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .safe import atomic_path, publish
from .tables import GROUP, OPTION, PCT, WHOLE, N, is_suppressed

WHOLE_LABEL = "I alt"
PALETTE = ("#1f3b64", "#4f81bd", "#9bbb59", "#f79646", "#8064a2", "#4bacc6", "#c0504d", "#7f7f7f")
WRAP = 42           # characters per line of an option label
DPI = 150
WIDTH_IN = 6.3      # a Word page's text width


def bar_label(pct, n) -> str:
    """'65 pct.', or the suppressed '<3'."""
    if isinstance(n, str):
        return n
    return "" if pct is None or pd.isna(pct) else f"{int(pct)} pct."


def bar_chart(table: pd.DataFrame, path, *, group: str = WHOLE) -> Path:
    """One bar per option of one group of a (suppressed) tidy table, in questionnaire order."""
    rows = table[table[GROUP] == group]
    return _draw(list(rows[OPTION]), {WHOLE_LABEL: rows}, path, legend=False)


def grouped_bar_chart(table: pd.DataFrame, groups: list[str], path) -> Path:
    """Bars for the whole sample and each group in ``groups``, option by option."""
    series = {WHOLE_LABEL: table[table[GROUP] == WHOLE]}
    series.update({g: table[table[GROUP] == g] for g in groups})
    options = list(dict.fromkeys(series[WHOLE_LABEL][OPTION]))
    return _draw(options, series, path, legend=True)


def _draw(options: list[str], series: dict[str, pd.DataFrame], path, *, legend: bool) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    k = len(series)
    lines = [max(1, len(textwrap.wrap(o, WRAP))) for o in options]
    slot = max(0.32 * k + 0.18, 0.16 * max(lines) + 0.2)
    fig = Figure(figsize=(WIDTH_IN, 0.6 + slot * len(options) + (0.35 if legend else 0)), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    height = 0.8 / k
    for j, (name, rows) in enumerate(series.items()):
        by_option = rows.set_index(OPTION)
        for i, option in enumerate(options):
            y = i + (j - (k - 1) / 2) * height
            pct = by_option[PCT].get(option)
            n = by_option[N].get(option)
            if option not in by_option.index:
                continue
            suppressed = bool(is_suppressed(pd.Series([n])).iat[0])
            value = 0 if suppressed or pd.isna(pct) else float(pct)
            ax.barh(y, value, height=height * 0.9, color=PALETTE[j % len(PALETTE)],
                    label=name if i == 0 else None)
            ax.text(value + 1, y, bar_label(pct, n), va="center", fontsize=7)
    ax.set_yticks(range(len(options)), ["\n".join(textwrap.wrap(o, WRAP)) or o for o in options], fontsize=7.5)
    ax.invert_yaxis()
    ax.set_xlim(0, 110)
    ax.set_xlabel("Pct.", fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if legend:
        ax.legend(fontsize=7, frameon=False, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=min(k, 5))
    fig.tight_layout()
    tmp = atomic_path(Path(path))
    try:
        fig.savefig(tmp, format="png")
        publish(tmp, Path(path))
    finally:
        tmp.unlink(missing_ok=True)
    return path
