"""The on-disk geography cache, in a private folder (never the warm user cache)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.geo import cache


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SANCTIONS_SIM_CACHE", str(tmp_path / "c"))
    return tmp_path / "c"


def test_the_cache_folder_follows_the_environment_and_is_created(private_cache):
    assert cache.cache_dir() == private_cache and private_cache.is_dir()


def test_keys_depend_on_every_parameter_and_the_code_version_not_on_order(monkeypatch):
    a = cache.cache_key("zones", {"bbox": (1, 2), "cell": 1000.0})
    assert a.startswith("zones-") and len(a) == len("zones-") + 16
    assert a == cache.cache_key("zones", {"cell": 1000.0, "bbox": (1, 2)})
    assert a != cache.cache_key("zones", {"bbox": (1, 2), "cell": 1001.0})
    assert a != cache.cache_key("graph", {"bbox": (1, 2), "cell": 1000.0})
    monkeypatch.setattr(cache, "CODE_VERSION", cache.CODE_VERSION + "-next")
    assert a != cache.cache_key("zones", {"bbox": (1, 2), "cell": 1000.0})


def test_arrays_round_trip_and_missing_keys_are_none(private_cache):
    arrays = {"a": np.arange(5, dtype=np.uint16), "b": np.eye(2)}
    cache.save_arrays("k", arrays)
    back = cache.load_arrays("k")
    assert back is not None and set(back) == {"a", "b"}
    assert np.array_equal(back["a"], arrays["a"]) and back["a"].dtype == np.uint16
    assert cache.load_arrays("other") is None
    assert [p.name for p in private_cache.iterdir()] == ["k.npz"]  # no temporary left behind


def test_a_damaged_file_reads_as_missing_so_it_is_rebuilt(private_cache):
    (cache.cache_dir() / "bad.npz").write_bytes(b"not a zip file")
    assert cache.load_arrays("bad") is None


def test_a_save_replaces_the_old_file(private_cache):
    cache.save_arrays("k", {"a": np.zeros(1)})
    cache.save_arrays("k", {"a": np.ones(3)})
    assert cache.load_arrays("k")["a"].tolist() == [1.0, 1.0, 1.0]


def test_the_lock_is_held_for_a_read_merge_write(private_cache):
    with cache.locked("k"):
        cache.save_arrays("k", {"a": np.zeros(2)})
    assert (private_cache / "k.lock").exists() and cache.load_arrays("k") is not None


def test_any_mapping_gives_the_same_key_and_values_are_keyed_by_their_text():
    """Build parameters may come as any mapping; what JSON cannot encode is keyed as text."""
    from pathlib import Path
    from types import MappingProxyType

    params = {"bbox": (1.0, 2.0), "source": Path("gshhs/i")}
    assert cache.cache_key("zones", MappingProxyType(params)) == cache.cache_key("zones", params)
    assert cache.cache_key("zones", params) == cache.cache_key(
        "zones", {"bbox": [1.0, 2.0], "source": "gshhs/i"}
    )


def test_arrays_are_mapped_from_the_file_and_a_write_to_one_stays_private(private_cache):
    """Loaded arrays read the file's pages (copy-on-write): equal values, nothing written back."""
    arrays = {
        "dist": np.arange(12, dtype=np.float32).reshape(3, 4),
        "pred": np.asfortranarray(np.arange(6, dtype=np.int16).reshape(2, 3)),
        "empty": np.zeros((0, 6)),
        "flag": np.array(True),
    }
    cache.save_arrays("g", arrays)
    back = cache.load_arrays("g")
    assert back is not None and set(back) == set(arrays)
    for k, a in arrays.items():
        assert back[k].dtype == a.dtype and back[k].shape == a.shape
        assert np.array_equal(back[k], a), k
    assert back["pred"].flags.f_contiguous
    assert isinstance(back["dist"].base, np.memmap)  # mapped, not read whole
    back["dist"][0, 0] = -1.0  # copy-on-write: this process only
    again = cache.load_arrays("g")
    assert again is not None and again["dist"][0, 0] == 0.0


def test_a_compressed_file_is_read_whole_as_before(private_cache):
    np.savez_compressed(cache.cache_dir() / "z.npz", a=np.arange(4))
    back = cache.load_arrays("z")
    assert back is not None and back["a"].tolist() == [0, 1, 2, 3]
    assert not isinstance(back["a"].base, np.memmap)
