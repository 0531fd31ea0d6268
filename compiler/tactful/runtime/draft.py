"""The Draft: what the runtime returns for one message, and its two printed forms.

Named tuples and a slotted class, not pydantic models: a Draft is built on every message and must
cost next to nothing (treat it as immutable; `moves` is paired up from the rendered texts on first
access). `to_dict()` gives the JSON form whose keys are part of the public contract (the
HTTP service, `tactful draft --format json`, conformance.json):

    framework, revision, reply {id, visibility, when}, text, moves [{kind, text}],
    send_as_written, guards [{name, reason}], escalations [{name, team, handoff}], tags, owner
    and, only for a draft asked for with trace=True, trace (see tactful.runtime.trace)

`reply.when` is the condition (as written) that chose the reply, or null for the reply that applies
whenever no earlier one does; it is the "why" of the choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # pragma: no cover
    from tactful.runtime.trace import Trace


class MoveText(NamedTuple):
    kind: str
    text: str


class GuardHit(NamedTuple):
    name: str
    reason: str


class EscalationHit(NamedTuple):
    name: str
    team: str
    handoff: str | None


class ReplyChoice(NamedTuple):
    id: str
    visibility: str
    when: str | None  # the condition that chose it, as written; None: the unconditional reply


class Verdict(NamedTuple):
    """What a draft decides, without its text (Library.verdict): for counting many messages."""

    reply: ReplyChoice
    guards: tuple[GuardHit, ...]
    escalations: tuple[EscalationHit, ...]

    @property
    def send_as_written(self) -> bool:
        return not self.guards


class Draft:
    """One draft reply. `moves` pairs each move's kind with its text (built on first access)."""

    __slots__ = ("framework", "revision", "reply", "text", "guards", "escalations", "tags", "owner", "trace", "_moves",
                 "_kinds", "_texts")
    framework: str
    revision: str
    reply: ReplyChoice
    text: str
    guards: tuple[GuardHit, ...]
    escalations: tuple[EscalationHit, ...]
    tags: tuple[str, ...]
    owner: str | None
    trace: "Trace | None"  # why: set only by Library.draft(..., trace=True)

    def __init__(
        self,
        framework: str,
        revision: str,
        reply: ReplyChoice,
        text: str,
        moves: Sequence[MoveText],
        guards: tuple[GuardHit, ...],
        escalations: tuple[EscalationHit, ...],
        tags: tuple[str, ...],
        owner: str | None,
    ):
        self.framework = framework
        self.revision = revision
        self.reply = reply
        self.text = text
        self._moves = tuple(moves)
        self._kinds = self._texts = ()
        self.guards = guards
        self.escalations = escalations
        self.tags = tags
        self.owner = owner
        self.trace = None

    @classmethod
    def of_moves(
        cls,
        framework: str,
        revision: str,
        reply: ReplyChoice,
        kinds: tuple[str, ...],
        texts: list[str],
        guards: tuple[GuardHit, ...],
        escalations: tuple[EscalationHit, ...],
        tags: tuple[str, ...],
        owner: str | None,
    ) -> "Draft":
        """The runtime's constructor: the text is the non-empty move texts joined by a space."""
        self = cls.__new__(cls)
        self.framework = framework
        self.revision = revision
        self.reply = reply
        self.text = " ".join(filter(None, texts))
        self._moves = None
        self._kinds = kinds
        self._texts = texts
        self.guards = guards
        self.escalations = escalations
        self.tags = tags
        self.owner = owner
        self.trace = None
        return self

    @property
    def moves(self) -> tuple[MoveText, ...]:
        moves = self._moves
        if moves is None:
            moves = self._moves = tuple(map(MoveText, self._kinds, self._texts))
        return moves

    _FIELDS = ("framework", "revision", "reply", "text", "moves", "guards", "escalations", "tags", "owner")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in self._FIELDS)

    __hash__ = None  # type: ignore[assignment]  # mutable in principle, like the dataclass it was

    def __repr__(self) -> str:
        return "Draft(" + ", ".join(f"{f}={getattr(self, f)!r}" for f in self._FIELDS) + ")"

    @property
    def send_as_written(self) -> bool:
        """False when any guard holds: the draft is then a starting point only."""
        return not self.guards

    def to_dict(self) -> dict:
        return {
            "framework": self.framework,
            "revision": self.revision,
            "reply": {"id": self.reply.id, "visibility": self.reply.visibility, "when": self.reply.when},
            "text": self.text,
            "moves": [{"kind": m.kind, "text": m.text} for m in self.moves],
            "send_as_written": not self.guards,
            "guards": [{"name": g.name, "reason": g.reason} for g in self.guards],
            "escalations": [{"name": e.name, "team": e.team, "handoff": e.handoff} for e in self.escalations],
            "tags": list(self.tags),
            "owner": self.owner,
        } | ({"trace": self.trace.to_dict()} if self.trace is not None else {})


def format_text(draft: Draft) -> str:
    """The human form: whether it may be sent as written (and why not) first, then the draft."""
    lines: list[str] = []
    if draft.guards:
        lines.append("HOLD: do not send this draft as written.")
        lines.extend(f"  - {g.reason} ({g.name})" for g in draft.guards)
    else:
        lines.append("SEND: this draft may be sent as written.")
    for e in draft.escalations:
        lines.append(f"ESCALATE to {e.team} ({e.name}).")
        if e.handoff:
            lines.extend(f"  | {line}" for line in e.handoff.splitlines())
    why = f"when {draft.reply.when}" if draft.reply.when else "the default"
    about = [f"{draft.framework}", f"reply {draft.reply.id} ({why})"]
    if draft.owner:
        about.append(f"owner {draft.owner}")
    if draft.tags:
        about.append("tags " + ", ".join(draft.tags))
    lines.append("")
    lines.append(" · ".join(about))
    lines.append("")
    lines.append(draft.text)
    return "\n".join(lines) + "\n"
