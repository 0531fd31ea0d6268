"""Tactful: compile customer-service response frameworks into draft templates, a bundle and docs."""

__version__ = "0.1.0"
