"""Word forms (`forms of`): the rule lives in the runtime (tactful.runtime.wordforms), which expands
a bundle's `{"forms": …}` phrase lists with it; the compiler uses the same rule."""

from tactful.runtime.wordforms import expand, phrase_forms, word_forms

__all__ = ["expand", "phrase_forms", "word_forms"]
