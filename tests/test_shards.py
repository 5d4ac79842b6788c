"""Splitting one run among processes: shards, settings and statistics (auditor/shards.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.cli import scrapy_settings
from auditor.firms import parse_firms
from auditor.shards import (
    ShardError,
    as_options,
    merge_stats,
    parse_shard,
    shard_firm_ids,
    shard_overrides,
)


def test_every_firm_in_exactly_one_shard() -> None:
    rows, errors = parse_firms("\n".join(f"firm{k}.com" for k in range(7)))
    assert not errors
    shares = [shard_firm_ids(rows, (i, 3)) for i in range(3)]
    assert sorted(len(s) for s in shares) == [2, 2, 3]
    assert set().union(*shares) == {r.firm_id for r in rows}
    assert not (shares[0] & shares[1] or shares[1] & shares[2] or shares[0] & shares[2])


@pytest.mark.parametrize("value", ["2/2", "1", "a/2", "-1/2", "1/0", ""])
def test_bad_shard_is_refused(value: str) -> None:
    with pytest.raises(ShardError, match="i/N"):
        parse_shard(value)


def test_request_budget_and_window_are_shared(tmp_path: Path) -> None:
    overrides = {"AUDIT_DB": "x.sqlite", "CONNECT_TO": ["a.com=http://127.0.0.1:1", "b.com=http://127.0.0.1:2"],
                 "AUDIT_FIRM_WINDOW": 9}
    settings = scrapy_settings(overrides)
    first = shard_overrides(overrides, settings, 0, 2, tmp_path / "s0.json")
    second = shard_overrides(overrides, settings, 1, 2, tmp_path / "s1.json")
    assert first["CONCURRENT_REQUESTS"] == second["CONCURRENT_REQUESTS"] == 16
    assert first["AUDIT_FIRM_WINDOW"] == 5
    assert (first["AUDIT_SHARD"], second["AUDIT_SHARD"]) == ("0/2", "1/2")
    assert (first["AUDIT_PROGRESS"], second["AUDIT_PROGRESS"]) == ("run", "0")
    options = as_options(second)
    assert "-s" in options and "CONNECT_TO=a.com=http://127.0.0.1:1,b.com=http://127.0.0.1:2" in options
    assert not any(o.startswith("AUDIT_DB=") for o in options)  # --db carries it


def test_statistics_add_up_keep_maxima_and_list_the_rest() -> None:
    merged = merge_stats([
        {"downloader/request_count": 10, "auditor/firms_active_max": 3, "elapsed_time_seconds": 5.0,
         "finish_reason": "finished", "start_time": "t0"},
        {"downloader/request_count": 7, "auditor/firms_active_max": 4, "elapsed_time_seconds": 4.0,
         "finish_reason": "finished", "start_time": "t1", "only_here": 1},
    ])
    assert merged["downloader/request_count"] == 17
    assert merged["auditor/firms_active_max"] == 4
    assert merged["elapsed_time_seconds"] == 5.0  # the processes ran side by side
    assert merged["finish_reason"] == ["finished", "finished"]
    assert merged["start_time"] == ["t0", "t1"]
    assert merged["only_here"] == 1
    assert merged["processes"] == 2
