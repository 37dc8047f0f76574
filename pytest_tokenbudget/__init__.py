"""pytest-tokenbudget: catch avoidable Claude API spend, statically and while tests run.

The public API is small: :func:`price` turns a response's ``usage`` into an exact :class:`Cost`;
:class:`Usage` is the parsed usage; :class:`TokenBudgetExceeded` is what a refused call raises.
"""

from __future__ import annotations

from pytest_tokenbudget.core.catalog import CatalogError, ModelInfo, UnknownModelError, normalise_model_id
from pytest_tokenbudget.core.config import ConfigError, get_catalog
from pytest_tokenbudget.core.cost import Cost, PricingError, UnpricedError, price
from pytest_tokenbudget.core.errors import TokenBudgetExceeded
from pytest_tokenbudget.core.usage import MalformedUsageError, Usage, usage_from_response

from pytest_tokenbudget.core.version import __version__

__all__ = [
    "CatalogError",
    "__version__",
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
