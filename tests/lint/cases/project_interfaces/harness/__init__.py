"""An eval harness whose runner holds providers by their interface (an abstract base), imports them
from the package that re-exports them, and gathers a grid of async requests, as eval harnesses do:
a call marked TB401 is reached per item (through ``Provider.generate``, a re-exported class, or
coroutines made in a loop and gathered); the others are not."""
