"""What every rule is made of (Rule, Finding, RuleResult) and how rules read and quote user text."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from registry.policy.content import Agency, Person, ProposalContent
from registry.policy.messages import Message


@dataclass(frozen=True)
class Finding:
    """One thing to fix. ``field`` names the proposal form field the fix belongs to.

    ``message`` is the English text (stored in charters, sent by the API and the command
    line); a page shows ``gettext(template, **values)`` instead, and ``template % values``
    is ``message``. Make one with ``Finding.of(N_("..."), field, name=value)``.
    """

    message: str
    field: str
    template: str = dataclasses.field(default="", compare=False)
    values: Mapping[str, str] = dataclasses.field(
        default_factory=lambda: MappingProxyType({}), compare=False
    )
    # Nothing is wrong, a step is still to come (a sign-off not given yet): pages say
    # "waiting", not "fails", though the rule has not passed.
    waiting: bool = False

    def __post_init__(self) -> None:
        if not self.template:  # a bare message: its own template, with any "%" kept literal
            object.__setattr__(self, "template", self.message.replace("%", "%%"))

    @classmethod
    def of(cls, template: str, form_field: str, /, **values: object) -> Finding:
        """The finding ``template`` (marked with ``N_``) filled in with ``values``."""
        return cls.from_message(Message.of(template, **values), form_field)

    @classmethod
    def from_message(cls, message: Message, form_field: str) -> Finding:
        return cls(message.text, form_field, message.template, message.values)


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    heading: str  # the policy heading the clause sits under
    clause: str  # the policy's own words, verbatim
    check: Callable[[ProposalContent, Agency], list[Finding]] = field(repr=False)


@dataclass(frozen=True)
class RuleResult:
    rule: Rule
    findings: tuple[Finding, ...]

    @property
    def passed(self) -> bool:
        return not self.findings

    @property
    def waiting(self) -> bool:
        """Not passed yet only because a step is still to come, nothing to fix."""
        return bool(self.findings) and all(finding.waiting for finding in self.findings)


# --- Reading user text ---------------------------------------------------------------------

_MAX_SHOWN = 60
# Blank-looking characters that are not Unicode whitespace, so a "blank" answer cannot be
# smuggled past the check with them.
_INVISIBLE = frozenset("\u2800\u3164\u115f\u1160\uffa0")


def is_blank_char(ch: str) -> bool:
    return (
        ch.isspace()
        or ch in _INVISIBLE
        or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zs", "Zl", "Zp")
    )


def visible_length(text: str) -> int:
    return sum(1 for ch in text if not is_blank_char(ch))


def shown(value: str) -> str:
    """A user's value as a message shows it: on one line and cut short so messages stay short.
    The template puts the quotation marks round it."""
    flat = " ".join(value.split())
    flat = "".join(ch for ch in flat if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    if len(flat) > _MAX_SHOWN:
        flat = flat[: _MAX_SHOWN - 1].rstrip() + "…"
    return flat


def quoted(value: str) -> str:
    """A user's value quoted for a message: ``shown(value)`` in quotation marks."""
    return f"“{shown(value)}”"


def name_of(person: Person) -> str:
    return shown(person.name).strip() or f"User {person.id}"


def _plain(text: str) -> str:
    """Case-, macron- and spacing-insensitive form: "TE TARI MĀTĀWAKA" reads as
    "te tari matawaka" (NFKD also turns no-break spaces into ordinary ones)."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in decomposed
        if ch.isspace() or unicodedata.category(ch) not in ("Mn", "Cf", "Cc", "Cs")
    )
    return " ".join(kept.casefold().split())


def names_in(text: str, name: str) -> bool:
    wanted = _plain(name)
    if not wanted:
        return False
    return re.search(rf"(?<!\w){re.escape(wanted)}(?!\w)", _plain(text)) is not None
