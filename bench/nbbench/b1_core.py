"""B1: the lookup's core, in-process, vs the in-process floor (raw fetch), at 10,000 and 100,000 detailed jobs."""

from __future__ import annotations

from nbbench.context import BenchContext


def measure(ctx: BenchContext) -> list:
    raise NotImplementedError("the core's jobs listing is not in the collection yet (issue 4)")
