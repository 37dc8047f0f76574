"""pytest-tokenbudget: catch avoidable Claude API spend, statically and while tests run.

The public API is small: :func:`price` turns a response's ``usage`` into an exact :class:`Cost`;
:class:`Usage` is the parsed usage; :class:`TokenBudgetExceeded` is what a refused call raises.
"""

from __future__ import annotations

from .catalog import CatalogError, ModelInfo, UnknownModelError, get_catalog, normalise_model_id
from .config import ConfigError
from .cost import Cost, PricingError, UnpricedError, price
from .errors import TokenBudgetExceeded
from .usage import MalformedUsageError, Usage, usage_from_response

__version__ = "0.1.0"

__all__ = [
    "CatalogError",
    "ConfigError",
    "Cost",
    "MalformedUsageError",
    "ModelInfo",
    "PricingError",
    "TokenBudgetExceeded",
    "UnknownModelError",
    "UnpricedError",
    "Usage",
    "get_catalog",
    "normalise_model_id",
    "price",
    "usage_from_response",
]
