"""Named random streams: one generator per model component, derived from the run's seed.

Common random numbers only hold if a component's draws do not depend on what other
components drew before it. With one shared generator, adding an aircraft shifted every
later draw of the smugglers, and two scenarios that differed only in their patrols shared
not one illicit voyage. Here each component asks for its own stream by name
(``"traffic"``, ``"program/ecs_petroleum/voyage/12"``, ``"asset/us_p8#0"``, ...), and the
stream is a child of the run's ``SeedSequence`` whose spawn key is extended by a hash of
the name. The child depends only on the run's seed and the name, never on which other
streams exist or in which order they were asked for, so adding a component does not
move any other component's draws.
"""

from __future__ import annotations

import zlib

import numpy as np

__all__ = ["Streams", "stream_key"]


def stream_key(name: str) -> int:
    """The 32-bit spawn-key word that names a stream (CRC-32 of its UTF-8 name).

    CRC-32 is stable across Python versions and processes (unlike ``hash``), which keeps
    results independent of ``PYTHONHASHSEED`` and of the worker that ran a replication.
    """
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """The named generators of one replication.

    Args:
        seed: the replication's ``SeedSequence`` (from ``replication_seeds``) or an int.

    The same name always returns the same generator object within a run, so a component
    may call ``streams.get(name)`` wherever it needs it.
    """

    def __init__(self, seed: np.random.SeedSequence | int) -> None:
        self.seed = (
            seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
        )
        self._made: dict[str, np.random.Generator] = {}

    def sequence(self, name: str) -> np.random.SeedSequence:
        """The child ``SeedSequence`` of stream ``name``."""
        return np.random.SeedSequence(
            self.seed.entropy, spawn_key=(*self.seed.spawn_key, stream_key(name))
        )

    def get(self, name: str) -> np.random.Generator:
        """The generator of stream ``name`` (created on first use)."""
        g = self._made.get(name)
        if g is None:
            g = np.random.default_rng(self.sequence(name))
            self._made[name] = g
        return g

    @property
    def names(self) -> list[str]:
        """Streams created so far, in order of first use (for tests and provenance)."""
        return list(self._made)
