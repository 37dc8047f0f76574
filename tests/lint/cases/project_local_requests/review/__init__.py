"""A reviewer whose requests sit in a local ``def`` (or a method it calls) that the method around it
runs in place: handed to a retry helper inherited from the base class, or called directly. The
request is one per call of the method; the loop is in the method's callers (the base class's
template method, or the command's loop over rows)."""
