"""Messages the policy gives, kept translatable without Flask: a template marked with ``N_``
for the catalogue, and the values (names, numbers, times, addresses) that fill it in.

The English text is ``template % values``; a page shows ``gettext(template, **values)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple


def N_(message: str) -> str:
    """Marks a message for `pybabel extract` (it looks for ``N_`` by default) without
    translating it: pure Python has no locale, so the page that shows it translates it.
    A literal ``%`` in a template is written ``%%``."""
    return message


class Message(NamedTuple):
    """A translatable template and the values it is filled in with."""

    template: str
    values: Mapping[str, str]

    @classmethod
    def of(cls, template: str, /, **values: object) -> Message:
        return cls(template, MappingProxyType({name: str(v) for name, v in values.items()}))

    @property
    def text(self) -> str:
        """The English text: the template filled in."""
        return self.template % dict(self.values)
