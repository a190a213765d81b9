"""Per-run random streams, made for a whole chunk of runs at once.

Run ``i`` of a simulation seeded ``seed`` draws from
``Generator(PCG64(SeedSequence(seed, spawn_key=(i,))))`` - the ``i``-th child that
``SeedSequence(seed).spawn(n)`` gives. Making that generator costs more than a short run
of a small deal does (most of it numpy's per-object overhead), so :func:`run_streams`
computes the same thing for a chunk in one go: numpy's ``SeedSequence`` hash (the entropy
pool, then ``generate_state(4, uint64)``) over arrays of run indices, PCG64's seeding
step on Python integers, and then one generator whose state is set to each run's in
turn. The streams are exactly numpy's (tested against ``SeedSequence`` for many seeds and
indices); an index beyond 32 bits goes the slow way.

The hash follows numpy's ``bit_generator.pyx`` (``SeedSequence.mix_entropy`` and
``generate_state``), itself after Melissa O'Neill's seed_seq_fe.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from dealmodel._optional import require

if TYPE_CHECKING:
    import numpy as np

__all__ = ["run_streams"]

_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715
_XSHIFT = 16
_POOL = 4
_M32 = 0xFFFFFFFF
_M128 = (1 << 128) - 1
_BLOCK = 4096  # runs whose states are computed together
_PCG_MULT = 0x2360ED051FC65DA44385DF649FCCF645  # PCG64's 128-bit LCG multiplier


def _words(value: int) -> list[int]:
    """An integer as numpy's SeedSequence takes it: 32-bit words, least significant first."""
    if value == 0:
        return [0]
    out = []
    while value:
        out.append(value & _M32)
        value >>= 32
    return out


def _pcg64_states(seed: int, indices: np.ndarray) -> list[tuple[int, int]]:
    """(state, increment) of ``PCG64(SeedSequence(seed, spawn_key=(i,)))`` for each index
    (each below 2**32)."""
    numpy = require("numpy", "a Monte Carlo simulation")
    u32 = numpy.uint32
    n = len(indices)
    run = _words(seed)
    run += [0] * (_POOL - len(run))  # padded to the pool size, as a spawned child's is
    entropy: list[np.ndarray] = [numpy.full(n, w, dtype=u32) for w in run]
    entropy.append(indices.astype(u32))
    hash_const = _INIT_A

    def hashmix(value: np.ndarray) -> np.ndarray:
        nonlocal hash_const
        value = value ^ u32(hash_const)
        hash_const = (hash_const * _MULT_A) & _M32
        value = value * u32(hash_const)
        return value ^ (value >> u32(_XSHIFT))  # type: ignore[no-any-return]

    def mix(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        result = u32(_MIX_L) * x - u32(_MIX_R) * y
        return result ^ (result >> u32(_XSHIFT))  # type: ignore[no-any-return]

    pool = [hashmix(entropy[i]) for i in range(_POOL)]
    for src in range(_POOL):
        for dst in range(_POOL):
            if src != dst:
                pool[dst] = mix(pool[dst], hashmix(pool[src]))
    for src in range(_POOL, len(entropy)):
        for dst in range(_POOL):
            pool[dst] = mix(pool[dst], hashmix(entropy[src]))
    # generate_state(4, uint64): eight 32-bit words from the pool, cycled
    hash_b = _INIT_B
    words: list[list[int]] = []
    for k in range(8):
        value = pool[k % _POOL] ^ u32(hash_b)
        hash_b = (hash_b * _MULT_B) & _M32
        value = value * u32(hash_b)
        words.append((value ^ (value >> u32(_XSHIFT))).tolist())
    states = []
    for w0, w1, w2, w3, w4, w5, w6, w7 in zip(*words, strict=True):
        # uint64 words, little-endian pairs; then pcg64_set_seed (numpy's _pcg64.pyx):
        # initstate = s0:s1 and initseq = s2:s3 as 128-bit (high:low) values
        s0, s1, s2, s3 = w0 | w1 << 32, w2 | w3 << 32, w4 | w5 << 32, w6 | w7 << 32
        inc = ((((s2 << 64) | s3) << 1) | 1) & _M128
        state = ((inc + ((s0 << 64) | s1)) * _PCG_MULT + inc) & _M128
        states.append((state, inc))
    return states


def run_streams(seed: int, start: int, stop: int) -> Iterator[np.random.Generator]:
    """A generator for each run ``start`` .. ``stop - 1`` of a simulation seeded ``seed``.

    For speed, one ``Generator`` object is re-seeded for each run: use each before asking
    for the next (a run's draws must all be made before the next run begins).
    """
    numpy = require("numpy", "a Monte Carlo simulation")
    random = numpy.random
    small = min(stop, 1 << 32)
    bits = random.PCG64(0)
    generator = random.Generator(bits)
    state: dict[str, object] = {"bit_generator": "PCG64", "has_uint32": 0, "uinteger": 0}
    for block in range(start, small, _BLOCK):  # a block at a time: bounded memory
        indices = numpy.arange(block, min(block + _BLOCK, small), dtype=numpy.uint64)
        for s, inc in _pcg64_states(seed, indices):
            state["state"] = {"state": s, "inc": inc}
            bits.state = state
            yield generator
    for i in range(max(start, small), stop):
        yield random.Generator(random.PCG64(random.SeedSequence(seed, spawn_key=(i,))))
