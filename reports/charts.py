"""Charts drawn at build time with matplotlib's SVG backend and inlined into the pages.

No CDN and no script: a report is a set of files that opens offline. The charts carry only
numbers and labels of our own (group names, stages, levels), never crawled text or firm
names, and every SVG is checked against a short list of elements and attributes before it is
inlined. Text and axes use `currentColor`, so a chart follows the page's light or dark theme.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from functools import cache, lru_cache

import matplotlib
import pandas as pd
from markupsafe import Markup
from matplotlib.axes import Axes
from matplotlib.container import BarContainer
from matplotlib.figure import Figure

from reports.scoring import GROUP_TITLES, GROUPS, observable_tools, study_uses

INK = "#010203"  # drawn with this, then replaced by currentColor
COLORS = {
    "firm": "#0f766e",
    "entry": "#d9730d",
    "post-entry": "#2563eb",
    "unknown": "#8c959f",
}
STUDY_ALPHA = 0.45
RC = {
    "svg.fonttype": "none",  # real <text>: selectable, small, the page's font
    "font.family": "sans-serif",
    "font.size": 10,
    "text.color": INK,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.facecolor": "none",
    "figure.facecolor": "none",
    "savefig.facecolor": "none",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
}
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ALLOWED_ELEMENTS = frozenset({"svg", "g", "path", "rect", "text", "tspan", "defs", "clipPath",
                              "use", "title", "desc", "line", "polyline", "polygon", "circle"})
ALLOWED_ATTRIBUTES = frozenset({
    "d", "x", "y", "width", "height", "viewBox", "version", "style", "transform", "clip-path",
    "id", f"{{{XLINK_NS}}}href", "href", "role", "aria-label", "aria-hidden", "class",
    "preserveAspectRatio", "x1", "x2", "y1", "y2", "points", "cx", "cy", "r", "fill", "stroke",
})


class ChartError(ValueError):
    """A chart holds something that must not reach a page."""


def _check(svg: str) -> None:
    """Refuse any element or attribute outside the lists, and links other than #fragments."""
    try:
        root = ET.fromstring(svg)  # noqa: S314 - our own matplotlib output, not crawled XML
    except ET.ParseError as exc:
        raise ChartError(f"chart is not well-formed SVG: {exc}") from None
    for element in root.iter():
        tag = element.tag.split("}", 1)[-1]
        if tag not in ALLOWED_ELEMENTS:
            raise ChartError(f"chart element <{tag}> is not allowed")
        for name, value in element.attrib.items():
            if name not in ALLOWED_ATTRIBUTES or name.lower().startswith("on"):
                raise ChartError(f"chart attribute {name!r} is not allowed")
            if name.endswith("href") and not value.startswith("#"):
                raise ChartError("chart links may only point inside the chart")
            if any(not re.fullmatch(r"#[\w-]+", ref) for ref in re.findall(r"url\(([^)]*)\)",
                                                                          value)):
                raise ChartError("chart references may only point inside the chart")


def _finish(fig: Figure, salt: str, label: str, *, tight: bool = True) -> Markup:
    """Render to SVG, drop the prolog, metadata, global style and layer ids, check, wrap."""
    buffer = io.StringIO()
    fit = {"bbox_inches": "tight", "pad_inches": 0.05} if tight else {}
    with matplotlib.rc_context({"svg.hashsalt": salt}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, **fit)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    svg = re.sub(r"\s*<style[^>]*>.*?</style>", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<defs>\s*</defs>", "", svg)
    svg = re.sub(r'<g id="[^"]*"', "<g", svg)  # matplotlib's layer ids repeat across charts
    svg = re.sub(r'\s(width|height)="[^"]*pt"', "", svg, count=2)  # CSS sizes the chart
    svg = svg.replace(INK, "currentColor")
    svg = re.sub(r"\n\s*", "\n", svg).strip()
    _check(svg)
    safe_label = label.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{safe_label}" class="chart-svg" ',
                      1)
    head_end = svg.index(">") + 1
    svg = svg[:head_end] + f"<title>{safe_label}</title>" + svg[head_end:]
    return Markup(svg)  # noqa: S704 - checked above; no data text reaches a chart


def _figure(width: float, height: float, *, constrained: bool = True) -> Figure:
    with matplotlib.rc_context(RC):
        return Figure(figsize=(width, height), layout="constrained" if constrained else None)


def _style(ax: Axes) -> None:
    ax.tick_params(length=3)
    ax.grid(axis="x", color=INK, alpha=0.12, linewidth=0.8)
    ax.set_axisbelow(True)


def _group_sizes() -> dict[str, int]:
    return {g: sum(t.group == g for t in observable_tools()) for g in GROUPS}


@cache
def _firm_figure() -> tuple[Figure, BarContainer]:
    """The firm chart's figure, built once: only the firm's four bars change between firms."""
    sizes = _group_sizes()
    with matplotlib.rc_context(RC):
        fig = _figure(6.4, 2.8, constrained=False)  # fixed margins: no layout pass per firm
        fig.subplots_adjust(left=0.27, right=0.98, top=0.86, bottom=0.16)
        ax = fig.add_subplot()
        _style(ax)
        rows = list(range(len(GROUPS)))[::-1]
        height = 0.26
        series = [
            ("This firm", [0.0] * len(GROUPS), COLORS["firm"], 1.0),
            ("Study entry firms (mean)", [study_uses("entry", g, observable_only=True) / 5
                                          for g in GROUPS], COLORS["entry"], STUDY_ALPHA),
            ("Study post-entry firms (mean)", [study_uses("post-entry", g, observable_only=True)
                                               / 5 for g in GROUPS], COLORS["post-entry"],
             STUDY_ALPHA),
        ]
        bars = []
        for i, (name, values, color, alpha) in enumerate(series):
            bars.append(ax.barh([r + (1 - i) * height for r in rows], values, height=height,
                                color=color, alpha=alpha, edgecolor=color, linewidth=0.8,
                                label=name))
        ax.set_yticks(rows, [f"{_short(g)} (of {sizes[g]})" for g in GROUPS])
        ax.set_xlim(0, max(sizes.values()))
        ax.set_xlabel("tools shown")
        ax.legend(loc="lower center", bbox_to_anchor=(0.42, 1.0), ncols=3, fontsize=8.5,
                  handlelength=1.2)
    return fig, bars[0]


FIRM_CHART_LABEL = ("Tools per group: this firm, and the study's entry and post-entry firms on "
                    "average")


def _render_firm_chart(present: tuple[int, ...]) -> str:
    fig, firm_bars = _firm_figure()
    for bar, value in zip(firm_bars.patches, present, strict=True):
        bar.set_width(value)
    with matplotlib.rc_context(RC):
        return str(_finish(fig, "firm-groups", FIRM_CHART_LABEL, tight=False))


_PATH_D = re.compile(r'(<path d=")([^"]*)(")')


@cache
def _firm_chart_table() -> tuple[tuple[str, ...], dict[tuple[int, int], str]] | None:
    """The firm chart as fixed SVG text around its four bars, and each bar's path for every
    count it can show: matplotlib draws the chart once per count (a dozen times), not once
    per firm. None when the renders differ anywhere but in those bars (then every firm's
    chart is drawn in full)."""
    top = max(_group_sizes().values())
    renders = [_render_firm_chart((v,) * len(GROUPS)) for v in range(top + 1)]
    pieces = [_PATH_D.split(svg) for svg in renders]  # text, '<path d="', d, '"', text, ...
    first = pieces[0]
    if any(len(p) != len(first) for p in pieces):
        return None
    varying = [i for i in range(2, len(first), 4) if any(p[i] != first[i] for p in pieces)]
    fixed = [i for i in range(len(first)) if i not in varying]
    if len(varying) != len(GROUPS) or any(p[i] != first[i] for p in pieces for i in fixed):
        return None
    bars = {(row, v): pieces[v][i] for v in range(top + 1) for row, i in enumerate(varying)}
    segments: list[str] = []
    start = 0
    for i in varying:
        segments.append("".join(first[start:i]))
        start = i + 1
    segments.append("".join(first[start:]))
    return tuple(segments), bars


@lru_cache(maxsize=4096)
def firm_groups_chart(present: tuple[int, int, int, int]) -> Markup:
    """This firm's tools per group beside the study's entry and post-entry means (observable).

    Firms with the same counts share the SVG; the SVG is assembled from the chart's fixed
    text and each bar's pre-drawn path, byte for byte what matplotlib draws for these counts.
    """
    table = _firm_chart_table()
    if table is not None:
        segments, bars = table
        paths = [bars.get((row, v)) if isinstance(v, int) else None
                 for row, v in enumerate(present)]
        if len(paths) == len(segments) - 1 and None not in paths:
            parts = [segments[0]]
            for path, segment in zip(paths, segments[1:], strict=True):
                parts += [path, segment]  # type: ignore[list-item]
            return Markup("".join(parts))  # noqa: S704 - pieces of checked charts
    return Markup(_render_firm_chart(present))  # noqa: S704 - checked by _finish


def _bars(ax: Axes, labels: Sequence[str],
          series: Sequence[tuple[str, Sequence[float], str, float, str | None]]) -> None:
    width = 0.8 / len(series)
    for i, (name, values, color, alpha, hatch) in enumerate(series):
        xs = [x + (i - (len(series) - 1) / 2) * width for x in range(len(labels))]
        ax.bar(xs, values, width=width, color=color, alpha=alpha, hatch=hatch, edgecolor=color,
               linewidth=0.8, label=name)
    ax.set_xticks(range(len(labels)), labels)
    ax.grid(axis="y", color=INK, alpha=0.12, linewidth=0.8)
    ax.set_axisbelow(True)


def _short(group: str) -> str:
    return {"documentation": "Documentation", "relations": "Relations"}.get(
        group, GROUP_TITLES[group])


def direction_chart(table: pd.DataFrame) -> Markup:
    """Figures 1-2: direct and indirect uses per firm and group, region and study by stage."""
    with matplotlib.rc_context(RC):
        fig = _figure(7.6, 3.0)
        axes = fig.subplots(1, 2, sharey=True)
        labels = [_short(g) for g in GROUPS]
        for ax, direction in zip(axes, ("direct", "indirect"), strict=True):
            rows = table[(table["direction"] == direction) & (table["group"] != "total")]
            series = []
            for stage in ("entry", "post-entry"):
                values = [float(v or 0) for v in rows[f"{stage}_per_firm"].fillna(0)]
                series.append((f"Region {stage}", values, COLORS[stage], 1.0, None))
            for stage in ("entry", "post-entry"):
                series.append((f"Study {stage}", rows[f"study_{stage}_per_firm"].tolist(),
                               COLORS[stage], STUDY_ALPHA, None))
            _bars(ax, labels, series)
            ax.set_title("Direct (two-way)" if direction == "direct" else "Indirect (one-way)",
                         fontsize=10)
            ax.tick_params(axis="x", labelsize=8.5, length=0)
        axes[0].set_ylabel("uses per firm")
        axes[1].legend(fontsize=8, ncols=2, loc="upper right")
        return _finish(fig, "direction", "Direct and indirect uses per firm, by group and stage, "
                       "region beside the study")


def category_chart(table: pd.DataFrame) -> Markup:
    """Share of each stage's uses per Table-2 group, region beside the study (observable)."""
    rows = table[table["group"] != "total"]
    with matplotlib.rc_context(RC):
        fig = _figure(7.6, 2.8)
        ax = fig.add_subplot()
        series = []
        for stage in ("entry", "post-entry"):
            values = [100 * float(v) for v in rows[f"{stage}_pct"].fillna(0)]
            series.append((f"Region {stage}", values, COLORS[stage], 1.0, None))
        for stage in ("entry", "post-entry"):
            values = [100 * float(v) for v in rows[f"study_{stage}_observable_pct"]]
            series.append((f"Study {stage}", values, COLORS[stage], STUDY_ALPHA, None))
        _bars(ax, [GROUP_TITLES[g] for g in GROUPS], series)
        ax.set_ylabel("% of the stage's uses")
        ax.tick_params(axis="x", labelsize=8.5, length=0)
        ax.legend(fontsize=8, ncols=4, loc="upper center", bbox_to_anchor=(0.5, 1.18))
        return _finish(fig, "categories", "Share of uses per Table-2 group, by stage, region "
                       "beside the study")


def imc_chart(distribution: pd.DataFrame) -> Markup:
    """Firms per IMC level, stacked by stage."""
    with matplotlib.rc_context(RC):
        fig = _figure(6.4, 2.6)
        ax = fig.add_subplot()
        labels = distribution["title"].tolist()
        bottom = [0.0] * len(labels)
        for stage, key in (("entry", "entry"), ("post-entry", "post-entry"),
                           ("stage unknown", "unknown")):
            values = [float(v) for v in distribution[key]]
            ax.bar(range(len(labels)), values, bottom=bottom, color=COLORS[key], width=0.6,
                   label=stage.capitalize())
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        ax.set_xticks(range(len(labels)), labels)
        ax.tick_params(axis="x", labelsize=8.5, length=0)
        ax.set_ylabel("firms")
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.grid(axis="y", color=INK, alpha=0.12, linewidth=0.8)
        ax.set_axisbelow(True)
        ax.legend(fontsize=8)
        return _finish(fig, "imc", "Firms per IMC level, by stage")


def variety_chart(counts: dict[str, list[int]], maximum: int) -> Markup:
    """How many firms show each number of observable tools, stacked by stage."""
    with matplotlib.rc_context(RC):
        fig = _figure(6.4, 2.6)
        ax = fig.add_subplot()
        xs = list(range(maximum + 1))
        bottom = [0] * len(xs)
        for stage in ("entry", "post-entry", "unknown"):
            values = [counts.get(stage, []).count(x) for x in xs]
            ax.bar(xs, values, bottom=bottom, color=COLORS[stage], width=0.8,
                   label="Stage unknown" if stage == "unknown" else stage.capitalize())
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        ax.set_xlabel(f"observable tools shown (variety, of {maximum})")
        ax.set_ylabel("firms")
        ax.set_xlim(-0.6, maximum + 0.6)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.grid(axis="y", color=INK, alpha=0.12, linewidth=0.8)
        ax.set_axisbelow(True)
        ax.legend(fontsize=8)
        return _finish(fig, "variety", "Firms by variety of tools shown, by stage")
