"""The package re-exports the function of the module that has its name."""
from .extract_fields import extract_fields

__all__ = ["extract_fields"]
