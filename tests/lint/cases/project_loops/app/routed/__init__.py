from .router import Router, get_router

__all__ = ["Router", "get_router"]
