"""How exact a numeric feature's KS and Wasserstein are: exact, bounded (fine cells, a grid) or approximate."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Accuracy:
    """How far KS and Wasserstein may be from their values on the raw data (scipy's)."""

    ks_error_bound: float | None
    """The true KS statistic lies in [ks_statistic, ks_statistic + this]; None: a sketch's, not bounded here."""
    wasserstein_error_bound: float | None
    """The true distance lies within this of `wasserstein` (training standard deviations); None: not bounded."""

    @property
    def kind(self) -> str:
        """ "exact" (both bounds 0), "bounded" (counted on fine cells or a grid) or "approximate" (a sketch)."""
        if self.ks_error_bound is None:
            return "approximate"
        return "exact" if self.ks_error_bound == 0 and self.wasserstein_error_bound == 0 else "bounded"


EXACT = Accuracy(0.0, 0.0)
