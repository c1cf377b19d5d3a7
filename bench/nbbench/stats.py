"""Medians, ratios and side-by-side repetition: the only arithmetic the table uses."""

from __future__ import annotations

import statistics
import time


def median(values: list) -> float:
    return statistics.median(values) if values else float("nan")


def ratio(numerator: float, denominator: float) -> float:
    if not denominator:
        return float("nan")
    return numerator / denominator


def timed(func, *args, **kwargs) -> tuple:
    """Run func once; return (seconds, its result)."""
    start = time.perf_counter()
    result = func(*args, **kwargs)
    return time.perf_counter() - start, result


def side_by_side(contenders: dict, repeats) -> dict:
    """Time every contender `repeats` times, interleaved, rotating the order each round.

    contenders maps a name to a callable that returns the seconds it spent (so a
    floor can be the sum of two steps run back to back). repeats is one count for
    all, or a dict name -> count (a contender then sits out the rounds past its count).
    Interleaving puts every contender under the same background load, which is what
    makes the ratios fair on a shared, noisy machine. Returns name -> list of seconds.
    """
    names = list(contenders)
    wanted = repeats if isinstance(repeats, dict) else {name: repeats for name in names}
    samples = {name: [] for name in names}
    for round_no in range(max(wanted.values(), default=0)):
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            if round_no < wanted[name]:
                samples[name].append(contenders[name]())
    return samples
