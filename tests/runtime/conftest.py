"""Fixtures: a Bundle from the builder, and the Library prepared from it."""

from __future__ import annotations

import pytest

from bundle_builder import make_bundle
from tactful.runtime.bundle import Bundle


@pytest.fixture
def bundle() -> Bundle:
    return make_bundle()


@pytest.fixture
def library(bundle):
    from tactful.runtime import Library

    return Library(bundle)
