"""Fingerprint parameters recorded once per warehouse, and other ones refused where fingerprints exist."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import warehouse
from tasks.settings import Settings


def test_parameters_are_recorded_then_other_ones_refused_once_fingerprints_exist(
    warehouse_path: Path,
) -> None:
    settings = Settings()
    other = dataclasses.replace(settings, shingle_size=4)
    with warehouse.writer(warehouse_path) as con:
        warehouse.check_fingerprint_settings(con, settings)
        warehouse.check_fingerprint_settings(con, other)  # no fingerprints yet: the new values are taken
        warehouse.load_batch(con, "run-1", fingerprints=[("a", 0, 1)])
        warehouse.check_fingerprint_settings(con, other)  # the same values again: fine
        with pytest.raises(warehouse.FingerprintSettingsMismatch, match=r"shingle_size 4 \(asked: 5\)"):
            warehouse.check_fingerprint_settings(con, settings)
        assert warehouse.stored_fingerprint_settings(con, settings).shingle_size == 4
