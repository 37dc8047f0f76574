"""The package rebinds its submodule's name to the settings instance: ``conf.settings`` is the object."""
from .settings import Settings, settings

__all__ = ["Settings", "settings"]
