"""One line of the results table, and how a measured ratio becomes met or missed."""

from __future__ import annotations

import dataclasses
import math

from nbbench.stats import median


@dataclasses.dataclass
class Figure:
    """A median over repeated runs, with how far the runs spread around it."""
    samples: list
    unit: str = "s"

    @property
    def value(self) -> float:
        return median(self.samples)

    def __str__(self) -> str:
        if not self.samples:
            return "-"
        value = self.value
        if self.unit == "s":
            text = "%.3f s" % value
        elif self.unit == "MiB":
            text = "%.1f MiB" % value
        else:
            text = "%g %s" % (value, self.unit)
        if len(self.samples) > 1 and value:
            spread = (max(self.samples) - min(self.samples)) / 2 / value
            return "%s (n=%d, ±%.0f%%)" % (text, len(self.samples), spread * 100)
        return "%s (n=%d)" % (text, len(self.samples))


@dataclasses.dataclass
class Row:
    id: str
    what: str
    ours: object = "-"
    reference: object = "-"
    ratio: float = float("nan")
    target: str = "-"
    limit: float = float("nan")
    result: str = "not run"
    note: str = ""

    def judge(self) -> "Row":
        """met when ratio <= limit (a limit is always an upper bound in issue 9)."""
        if math.isnan(self.ratio) or math.isnan(self.limit):
            self.result = "error"
        else:
            self.result = "met" if self.ratio <= self.limit else "**missed**"
        return self


def failed_row(row_id: str, what: str, target: str, reason: str) -> Row:
    return Row(id=row_id, what=what, target=target, result="error", note=reason)
