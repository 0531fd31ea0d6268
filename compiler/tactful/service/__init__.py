"""`tactful serve`: the runtime over HTTP (FastAPI on uvicorn). See app.py."""

from tactful.service.app import create_app, run

__all__ = ["create_app", "run"]
