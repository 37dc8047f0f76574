"""An eval harness hands its model wrapper to the functions that use it (``score(Model(), samples)``):
those modules never import the wrapper's class, yet their loops make its requests one per item."""
