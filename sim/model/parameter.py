"""A free parameter (:class:`Param`), the chassis parameters and the structural constants.

This module is the leaf of the model layer: paradigms declare their three parameters with
:class:`Param`, and :mod:`sim.model.params` builds the registry over the chassis and every
registered paradigm. Provenance vocabulary (after Covasim): ``assumption``, ``sourced``,
``calibrated``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.core.errors import ParameterError


@dataclass(frozen=True)
class Param:
    """A free parameter: default value, closed range, meaning and provenance."""

    default: float
    bounds: tuple[float, float]
    meaning: str
    provenance: str = "assumption"

    def check(self, name: str, value: float, source: str = "parameters") -> float:
        """Return ``value`` as float, or raise ParameterError if it is outside the range."""
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ParameterError(source, name, f"expected a number, got {value!r}") from None
        lo, hi = self.bounds
        if not (lo <= value <= hi):  # also rejects NaN
            raise ParameterError(source, name, f"value {value} is outside its range [{lo}, {hi}]")
        return value

    def check_any(self, name: str, value: Any, source: str = "parameters") -> Any:
        """Like :meth:`check`, but a sequence or array gives one value per replica.

        Returns a float for a scalar, else a float array of shape ``(K,)`` (every element
        checked against the range).
        """
        import numpy as np

        if np.ndim(value) == 0:
            return self.check(name, value, source)
        try:
            arr = np.asarray(value, dtype=float).reshape(-1)
        except (TypeError, ValueError):
            raise ParameterError(source, name, "expected numbers, one per replica") from None
        lo, hi = self.bounds
        bad = ~((arr >= lo) & (arr <= hi))  # also rejects NaN
        if bad.any():
            value = arr[bad][0]
            raise ParameterError(source, name, f"value {value} is outside its range [{lo}, {hi}]")
        return arr


# Shared chassis parameters: identical for every paradigm (MODEL.md "One chassis").
CHASSIS: dict[str, Param] = {
    "beta": Param(3.0, (0.5, 10.0), "choice sharpness of every logistic decision"),
    "mu": Param(0.6, (0.0, 0.95), "inertia of relation, alignment, arming and coercion propensity"),
    "psi": Param(0.3, (0.0, 1.5), "arming elasticity: target burden = baseline * exp(psi * H)"),
    "h_bar": Param(1.0, (0.0, 3.0), "hostility threshold for suspending institutions"),
    "c_E": Param(0.5, (-2.0, 3.0), "NATO's cost of enlargement (invitation threshold on V_N)"),
    "c_F": Param(1.0, (0.1, 3.0), "coercion cut-point spacing on Russia's loss L_R"),
}

# Structural constants: fixed, not fitted (changing them is a different model, not a tweak).
CONSTANTS: dict[str, float] = {
    "sigma_R": 0.05,        # sd of yearly shocks to R (assumption)
    "sigma_a": 0.05,        # sd of yearly shocks to partner alignment (assumption)
    "pulse_decay": 0.5,     # yearly decay of event pulses: half-life one year (assumption)
    "burden_min": 0.5,      # % of GDP, lower bound on either side's burden (assumption)
    "burden_max": 15.0,     # % of GDP, upper bound (assumption; Russia 2024 is about 7 %)
    "article5_cost": 1.0,   # extra loss-units Russia must exceed to coerce a member (assumption)
    "accession_lag": 2.0,   # years from invitation to accession in free mode (1997->1999,
                            # 2002->2004 in the chronology)
    "apply_threshold": 0.5,  # partners with alignment above this apply (MODEL.md)
    "pledge_prospect": 0.5,  # prospect value of a membership pledge without MAP (assumption)
}

# Prospect of membership by partner status (0 none, 1 PfP, 2 MAP/invited, 3 member).
PROSPECT_BY_STATUS = (0.0, 0.25, 0.75, 1.0)


def chassis_params(overrides: dict[str, float] | None = None, source: str = "parameters"):
    """Chassis parameter values: defaults updated with validated overrides."""
    values = {name: p.default for name, p in CHASSIS.items()}
    for name, value in (overrides or {}).items():
        if name not in CHASSIS:
            valid = ", ".join(CHASSIS)
            raise ParameterError(source, name, f"unknown chassis parameter; valid: {valid}")
        values[name] = CHASSIS[name].check_any(name, value, source)
    return values
