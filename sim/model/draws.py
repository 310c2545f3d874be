"""The model's random numbers: one stream per actor and purpose, so pairing survives edits.

A counterfactual is only a paired comparison if both runs draw the same numbers for
everything the edit did not touch. One stream for the whole model breaks that as soon as the
edit changes what is drawn: adding a partner shifts every later number to another use. So
every actor has its own streams, keyed by *who* it is, not by its position:

* the dyad (NATO-Russia: the shock to R, the two suspension uniforms and the upgrade uniform);
* each partner, keyed by its ISO-3 code (the shock to its alignment; its coercion uniform and
  the two free-mode enlargement uniforms, join and invite);

and each actor has one stream per *purpose*: ``SHOCK`` (standard normals) and ``DECISION``
(uniforms). Stream ``(actor, purpose)`` is a PCG64 generator on the
:class:`numpy.random.SeedSequence` with the run's entropy and the spawn key
``(*root.spawn_key, TAG, actor_key(actor), purpose)``. The actor key is the code's ASCII
bytes read as an integer: stable across processes and Python versions (no ``hash()``) and
one-to-one, so no two actors share a stream. Adding, removing or reordering partners leaves
every other actor's numbers unchanged, year by year (``tests/test_draws.py``).

Each year every stream gives the same count of numbers whatever the mode or paradigm, so
paradigms and modes still share their draws (common random numbers). Because a generator
fills an array in order, drawing ``B`` years at once gives exactly the numbers of ``B``
yearly draws; :class:`Streams` draws blocks of years (bounded memory) to keep the per-year
cost of ``2 (P + 1)`` generators low, and the block size never changes a number.
"""

from __future__ import annotations

import numpy as np

#: First spawn-key word of the model's streams (keeps them apart from other uses of a seed).
TAG = 0x4E41544F  # "NATO" in ASCII
#: The actor name of the dyad's streams (four letters: never an ISO-3 code).
DYAD = "DYAD"
SHOCK, DECISION = 0, 1
#: Numbers per row and year: the dyad's (shocks, uniforms) and each partner's.
DYAD_SHOCKS, DYAD_UNIFORMS = 1, 3
PARTNER_SHOCKS, PARTNER_UNIFORMS = 1, 3
#: Bytes a block of pre-drawn years may hold (blocks are at least one year).
BLOCK_BYTES = 4 * 2**20
#: Bytes of the rows copied at once from the actor-major blocks into a year's arrays.
CHUNK_BYTES = 2**18


def actor_key(code: str) -> int:
    """The stream key of an actor code: its ASCII bytes as a big-endian integer."""
    return int.from_bytes(code.encode("ascii"), "big")


def root_sequence(rng) -> np.random.SeedSequence:
    """The run's root seed sequence from the model's ``rng`` argument.

    An integer (or a sequence of integers, or None for fresh entropy) seeds it as
    ``numpy.random.default_rng`` would; a ``SeedSequence`` is used as given; a ``Generator``
    or bit generator gives entropy drawn from it (so it advances, as it would have).
    """
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if isinstance(rng, np.random.BitGenerator):
        rng = np.random.Generator(rng)
    if isinstance(rng, np.random.Generator):
        return np.random.SeedSequence(rng.integers(0, 2**63, size=4).tolist())
    return np.random.SeedSequence(rng)


def stream(root: np.random.SeedSequence, actor: str, purpose: int) -> np.random.Generator:
    """The generator of one actor (``DYAD`` or an ISO-3 code) and purpose."""
    key = (*root.spawn_key, TAG, actor_key(actor), int(purpose))
    return np.random.Generator(np.random.PCG64(
        np.random.SeedSequence(root.entropy, spawn_key=key, pool_size=root.pool_size)))


class Streams:
    """Each year's ``(normals (rows, 1 + P), uniforms (rows, 3 + 3P))`` from keyed streams.

    The layout is the one the chassis reads: ``normals[:, 0]`` the dyad's shock,
    ``normals[:, 1 + j]`` partner j's; ``uniforms[:, 0:3]`` the dyad's (suspend by Russia,
    suspend by NATO, upgrade), ``uniforms[:, 3 + j]`` partner j's coercion uniform and
    ``uniforms[:, 3 + P + 2j : 5 + P + 2j]`` its join and invite uniforms.

    Args:
        rng: the model's seed (see :func:`root_sequence`).
        partners: the partner ISO-3 codes, in the model's column order.
        rows: distinct rows of numbers per year.
        years: how many yearly draws the run will take (bounds the pre-drawn block).
    """

    def __init__(self, rng, partners, rows: int, years: int) -> None:
        root = root_sequence(rng)
        self.partners = tuple(partners)
        self.rows = int(rows)
        self._left = max(1, int(years))
        actors = (DYAD, *self.partners)
        self._shock = [stream(root, a, SHOCK) for a in actors]
        self._decision = [stream(root, a, DECISION) for a in actors]
        P = len(self.partners)
        per_year = self.rows * ((DYAD_SHOCKS + DYAD_UNIFORMS)
                                + P * (PARTNER_SHOCKS + PARTNER_UNIFORMS)) * 8
        self._block = max(1, BLOCK_BYTES // max(per_year, 1))
        self._chunk = max(16, CHUNK_BYTES // (8 * (3 + 3 * P)))
        self._shocks = self._dyad = self._own = None
        self._next = 0

    def year(self) -> tuple[np.ndarray, np.ndarray]:
        """The next year's numbers, as fresh C-ordered arrays in the chassis layout."""
        if self._shocks is None or self._next == self._shocks.shape[1]:
            self._draw_block(min(self._block, self._left))
        t = self._next
        self._next += 1
        self._left = max(1, self._left - 1)
        P, rows = len(self.partners), self.rows
        normals = np.empty((rows, 1 + P))
        uniforms = np.empty((rows, 3 + 3 * P))
        free = uniforms[:, 3 + P:].reshape(rows, P, 2)  # a view of the join/invite pairs
        shocks, dyad, own = self._shocks[:, t], self._dyad[t], self._own[:, t]
        # the streams are drawn actor-major; copy them row-major in cache-sized chunks
        for r0 in range(0, rows, self._chunk):
            r1 = min(rows, r0 + self._chunk)
            normals[r0:r1] = shocks[:, r0:r1].T
            uniforms[r0:r1, 0:3] = dyad[r0:r1]
            uniforms[r0:r1, 3:3 + P] = own[:, r0:r1, 0].T
            free[r0:r1] = own[:, r0:r1, 1:].transpose(1, 0, 2)
        return normals, uniforms

    def _draw_block(self, B: int) -> None:
        """Draw ``B`` years of every stream, each into its own contiguous block."""
        P, rows = len(self.partners), self.rows
        self._shocks = np.empty((1 + P, B, rows))
        self._dyad = np.empty((B, rows, DYAD_UNIFORMS))
        self._own = np.empty((P, B, rows, PARTNER_UNIFORMS))
        for j, generator in enumerate(self._shock):
            generator.standard_normal(out=self._shocks[j])
        self._decision[0].random(out=self._dyad)
        for j, generator in enumerate(self._decision[1:]):
            generator.random(out=self._own[j])
        self._next = 0
