"""Number formatting for metrics: undefined values (NaN) show as an em dash."""
from __future__ import annotations

import math


def number(value: float, fmt: str = "{:.2f}") -> str:
    """``fmt`` applied to ``value``, or "—" when it is undefined (None or NaN)."""
    return "—" if value is None or math.isnan(value) else fmt.format(value)
