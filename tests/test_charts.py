"""The firm chart's fast path draws exactly what matplotlib draws for the same counts."""

from __future__ import annotations

import itertools

from reports.charts import _group_sizes, _render_firm_chart, firm_groups_chart


def test_assembled_firm_chart_is_byte_identical_to_a_full_render() -> None:
    sizes = list(_group_sizes().values())
    corners = itertools.product(*[(0, size) for size in sizes])
    middle = [tuple(min(k, size) for size in sizes) for k in range(max(sizes) + 1)]
    for present in [*corners, *middle]:
        assert str(firm_groups_chart(present)) == _render_firm_chart(present), present


def test_counts_outside_the_drawn_range_are_still_drawn() -> None:
    sizes = list(_group_sizes().values())
    odd = (sizes[0] + 1, 0, 0, 0)  # more than the group holds: drawn in full, not refused
    assert str(firm_groups_chart(odd)) == _render_firm_chart(odd)
