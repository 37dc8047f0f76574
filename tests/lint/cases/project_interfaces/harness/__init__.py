"""An eval harness whose runner holds providers by their interface (an abstract base) and imports
them from the package that re-exports them, as eval harnesses do: a call marked TB401 is reached
per item through ``Provider.generate`` or a re-exported class; the others are not."""
