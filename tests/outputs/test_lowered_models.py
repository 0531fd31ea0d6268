"""The models the lowering makes without validation (lower._MADE, for speed) are what validating them gives."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from tactful import api
from tactful.semantics.lower import _MADE

ROOT = Path(__file__).parents[2]


def _models(value, seen: set[int]):
    """Every model in value (depth first), each once."""
    if isinstance(value, BaseModel):
        if id(value) in seen:
            return
        seen.add(id(value))
        yield value
        for name in type(value).model_fields:
            yield from _models(getattr(value, name), seen)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _models(item, seen)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _models(item, seen)


def _same(a, b) -> bool:
    """Equal, and of the same types all the way down (3 is not 3.0, True is not 1)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, BaseModel):
        return a.model_fields_set == b.model_fields_set and all(
            _same(getattr(a, n), getattr(b, n)) for n in type(a).model_fields)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b


def test_every_model_made_without_validation_is_what_validating_it_gives():
    bundle = api.compile([ROOT / "frameworks"]).bundle
    assert bundle is not None
    counted = dict.fromkeys(_MADE, 0)
    for model in _models(bundle, set()):
        if type(model) in counted:
            counted[type(model)] += 1
            given = {name: getattr(model, name) for name in model.model_fields_set}
            validated = type(model)(**given)
            assert _same(validated, model), model
            assert model.model_fields_set == set(type(model).model_fields)  # every field given
    assert all(counted.values()), counted  # the library has each kind


def test_a_copy_with_an_update_leaves_the_shared_fields_set_alone():
    bundle = api.compile([ROOT / "frameworks"]).bundle
    slot = bundle.frameworks[0].slots[0]
    before = set(slot.model_fields_set)
    copied = slot.model_copy(update={"about": "changed"})
    assert copied.about == "changed" and slot.about != "changed"
    assert slot.model_fields_set == before and bundle.frameworks[1].slots[0].model_fields_set == before
