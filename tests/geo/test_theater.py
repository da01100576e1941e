"""Land/water, zones, places, areas and bad input for the geography layer."""

from __future__ import annotations

import numpy as np
import pytest

import sim.geo
from sim.errors import UserError
from sim.geo import STATE_CODES, ZONE_KINDS, load_theater
from sim.units import NM_M


@pytest.mark.parametrize(
    ("lon", "lat", "water"),
    [
        (126.98, 37.56, False),
        (124.0, 35.0, True),
        (125.75, 39.03, False),
        (139.7, 35.68, False),
        (124.0, 29.5, True),
        (135.0, 40.0, True),
    ],
)
def test_known_points(korea, lon, lat, water):
    assert korea.is_water(lon, lat) is water
    assert (korea.zone_at(lon, lat).kind == "land") is (not water)


def test_vectorised_is_water_and_xy_roundtrip(korea):
    lon = np.array([126.98, 124.0, 124.0])
    lat = np.array([37.56, 35.0, 29.5])
    assert korea.is_water(lon, lat).tolist() == [False, True, True]
    x, y = korea.to_xy(lon, lat)
    lon2, lat2 = korea.to_lonlat(x, y)
    np.testing.assert_allclose(lon2, lon, atol=1e-9)
    np.testing.assert_allclose(lat2, lat, atol=1e-9)


def test_zone_off_nampo_is_prk_territorial(korea):
    nampo = korea.place("Nampo")
    # 5 nm SW of the terminal, down the Taedong estuary towards Korea Bay
    lon, lat = korea.to_lonlat(nampo.x_m - 4 * NM_M, nampo.y_m - 3 * NM_M)
    z = korea.zone_at(float(lon), float(lat))
    assert (z.state, z.kind, z.dprk_military_zone) == ("PRK", "territorial", True)


def test_ecs_hotspot_centroid_outside_territorial_seas(korea):
    a = korea.area("ecs_high_seas")
    assert korea.zone_at(a.centroid_lon, a.centroid_lat).kind in ("eez", "high_seas")


def test_mid_sea_of_japan(korea):
    assert korea.zone_at(135.0, 40.0).kind in ("eez", "high_seas")


def test_dprk_military_zone_off_wonsan(korea):
    x, y = korea.to_xy(127.47, 39.18)
    lon, lat = korea.to_lonlat(x + 45 * NM_M, y)
    z = korea.zone_at(float(lon), float(lat))
    d = korea.distance_to_coast_nm(float(lon), float(lat))
    assert z.state == "PRK"
    assert z.dprk_military_zone is (d <= 50)
    assert z.kind in ("contiguous", "eez")
    far = korea.zone_at(127.47 + 2.0, 39.18)
    assert far.dprk_military_zone is False


def test_zone_arrays_and_codes(korea):
    lon = np.array([124.0, 126.98, 135.0])
    lat = np.array([29.5, 37.56, 40.0])
    z = korea.zone_at(lon, lat)
    assert z.kind.shape == (3,) and z.kind[1] == "land"
    s, k = korea.zone_at_xy(*korea.to_xy(lon, lat))
    assert [ZONE_KINDS[c] for c in k] == list(z.kind)
    assert [STATE_CODES[c] for c in s] == list(z.state)


def test_places_on_water_and_snapped(korea):
    ports = korea.ports
    for name in [
        "Nampo",
        "Dalian",
        "Vladivostok",
        "Busan",
        "Sasebo",
        "Kaohsiung",
        "Korea Strait",
        "La Perouse Strait",
        "Yokosuka",
    ]:
        assert name in set(ports["name"])
    sea = ports[ports["kind"] != "air_base"]
    assert korea.is_water(sea["lon"].to_numpy(), sea["lat"].to_numpy()).all()
    assert (sea["snap_nm"] <= 25).all()
    p = korea.place("Nampo")
    assert p.state == "PRK" and p.kind == "port"


def test_areas(korea):
    for name in [
        "ecs_high_seas",
        "yellow_sea_central",
        "korea_bay_nampo",
        "lianyungang_approaches",
        "sea_of_japan_nakhodka",
        "ecs_patrol",
        "korea_strait_barrier",
    ]:
        a = korea.area(name)
        assert a.area_nm2 > 0
        c = a.polygon_xy.representative_point()
        assert korea.is_water_xy(c.x, c.y)
    pts = korea.sample_points_in_area("korea_bay_nampo", 200, np.random.default_rng(1))
    assert pts.shape == (200, 2)
    assert korea.is_water_xy(pts[:, 0], pts[:, 1]).all()
    again = korea.sample_points_in_area("korea_bay_nampo", 200, np.random.default_rng(1))
    np.testing.assert_array_equal(pts, again)


def test_unknown_names_suggest(korea):
    with pytest.raises(UserError, match="Nampo"):
        korea.place("Nampho")
    with pytest.raises(UserError, match="ecs_high_seas"):
        korea.area("ecs_high_sea")
    with pytest.raises(UserError, match="korea"):
        load_theater("koreaa")


def test_bad_bboxes():
    with pytest.raises(UserError, match="inverted"):
        load_theater(bbox=(130.0, 40.0, 120.0, 30.0))
    with pytest.raises(UserError, match="no navigable water"):
        load_theater(bbox=(70.0, 40.0, 75.0, 45.0))


def test_open_water(open_water):
    assert open_water.land_xy.is_empty
    assert abs(open_water.water_area_nm2 - 600 * 600) < 1
    r = open_water.route((123.0, 28.0), (127.0, 32.0))
    assert len(r.lonlat) == 2
    assert open_water.zone_at(125.0, 30.0).kind == "high_seas"


def test_baltic_bbox_loads():
    t = load_theater(bbox=(10.0, 53.0, 30.0, 66.0))
    assert not t.is_water(18.07, 59.33)  # Stockholm
    assert t.is_water(19.0, 57.5)  # Gotland basin
    assert t.zone_at(19.0, 57.5).state == "unknown" or t.zone_at(19.0, 57.5).kind == "high_seas"


def test_route_endpoint_on_land_snaps_or_errors(korea):
    r = korea.route((125.40, 38.75), "Dalian")  # just ashore near Nampo: snaps
    assert r.length_nm > 0
    with pytest.raises(UserError, match="route start"):
        korea.route((127.0, 37.5), "Dalian")  # Seoul area, far inland


def test_public_api_all():
    for name in sim.geo.__all__:
        assert hasattr(sim.geo, name)


@pytest.mark.parametrize(
    ("name", "state"), [("zhoushan_inshore", "CHN"), ("nakhodka_inshore", "RUS")]
)
def test_inshore_hotspots_inside_territorial_sea(korea, name, state):
    a = korea.area(name)
    assert a.kind == "sts_hotspot"
    pts = korea.sample_points_in_area(name, 300, np.random.default_rng(3))
    lon, lat = korea.to_lonlat(pts[:, 0], pts[:, 1])
    z = korea.zone_at(lon, lat)
    inside = (z.state == state) & (z.kind == "territorial")
    assert inside.mean() >= 0.95
    assert korea.is_water_xy(pts[:, 0], pts[:, 1]).all()


def test_rok_coastal_patrol_box(korea):
    a = korea.area("rok_coastal")
    assert a.kind == "patrol_box"
    pts = korea.sample_points_in_area("rok_coastal", 300, np.random.default_rng(4))
    lon, lat = korea.to_lonlat(pts[:, 0], pts[:, 1])
    assert (korea.zone_at(lon, lat).state == "KOR").mean() >= 0.95


def test_no_false_water_along_the_theater_edges(korea):
    """The clipped land is densified before projection.

    The inland west edge (China, 117 E) and the Manchurian north edge are land, and points past the
    edge have no sea room.
    """
    lats = np.linspace(29.0, 41.0, 60)
    assert not korea.is_water(np.full(60, 117.08), lats).any()
    lons = np.linspace(121.0, 129.0, 60)
    assert not korea.is_water(lons, np.full(60, 45.95)).any()
    assert korea.distance_to_coast_nm(116.5, 35.0) == 0.0  # outside the theater
    assert korea.distance_to_coast_nm(125.0, 36.0) > 20.0  # the Yellow Sea is open water


def test_segments_off_coast_is_the_sampled_distance_test(korea):
    """The compiled segment test gives what sampling the distance to the coast gives.

    Sampled along each segment (every 500 m, at least 8 points), near coasts, islands and the
    theater's edge.
    """
    rng = np.random.default_rng(7)
    x0, y0, x1, y1 = korea.domain_xy.bounds
    a = np.column_stack([rng.uniform(x0, x1, 3000), rng.uniform(y0, y1, 3000)])
    b = a + rng.normal(0.0, 40_000.0, (3000, 2))  # mostly short legs: many near a coast
    got = korea.segments_off_coast_xy(a, b, 0.5)
    count = np.maximum(8, (np.hypot(*(b - a).T) / 500.0).astype(np.int64))
    want = np.array(
        [
            (
                korea.distance_to_coast_nm_xy(
                    *(a[i] + (np.arange(n) / (n - 1))[:, None] * (b[i] - a[i])).T
                )
                >= 0.5
            ).all()
            for i, n in enumerate(count)
        ]
    )
    assert 0.1 < want.mean() < 0.9  # both answers well represented
    np.testing.assert_array_equal(got, want)
