"""`tactful serve`: the runtime over HTTP (FastAPI on uvicorn). See app.py.

Imported lazily: a drafting engine (engine.py) runs in this package without the web framework."""

from __future__ import annotations

__all__ = ["create_app", "run"]


def __getattr__(name: str) -> object:  # create_app and run, from app.py
    if name in __all__:
        from tactful.service import app

        return getattr(app, name)
    raise AttributeError(f"module 'tactful.service' has no attribute {name!r}")
