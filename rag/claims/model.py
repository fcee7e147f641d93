"""The pydantic result types of claim analysis: :class:`Claim` and its parts."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


# ---------------------------------------------------------------------------
# Result types
# ---------------------------------------------------------------------------


class Entity(BaseModel):
    """A capitalised name (chain of capitalised words) in the sentence."""

    model_config = ConfigDict(frozen=True)

    text: str = Field(description="The name as written.")
    start: int = Field(description="Offset of the first character.")
    end: int = Field(description="Offset one past the last character.")
    key: str = Field(description="entity_key(text), for grouping.")


class Quantity(BaseModel):
    """A number with its unit, normalised to the base unit of its dimension."""

    model_config = ConfigDict(frozen=True)

    text: str = Field(description="The quantity as written, e.g. '2km' or 'about twenty militants'.")
    start: int = Field(description="Offset of the first character.")
    end: int = Field(description="Offset one past the last character.")
    value: float = Field(description="The number as written (after scale words such as 'million').")
    unit: str = Field(description="Canonical unit ('km', 'mi', '%', 'usd', or the counted noun's stem).")
    dimension: str = Field(description="'length', 'mass', 'duration', 'speed', 'area', 'percent', 'money:usd', 'count', ...")
    base_value: float = Field(description="Value in the dimension's base unit (metres, kg, seconds, ...).")
    counted: str | None = Field(default=None, description="For counts, the stem of the counted noun (compared).")
    noun: str | None = Field(default=None, description="For counts, the counted noun as written, lowercase (shown).")
    approx: bool = Field(default=False, description="Hedged with 'about', 'around', 'nearly'...")
    bound: str | None = Field(default=None, description="'min' for 'more than/at least', 'max' for 'less than/up to'.")
    context: list[str] = Field(default_factory=list, description="Content stems within a few words of the number.")


class DateMention(BaseModel):
    """A date or part of one; unspecified fields are None."""

    model_config = ConfigDict(frozen=True)

    text: str = Field(description="The date as written.")
    start: int = Field(description="Offset of the first character.")
    end: int = Field(description="Offset one past the last character.")
    year: int | None = Field(default=None, description="Year, if stated.")
    month: int | None = Field(default=None, description="Month 1-12, if stated.")
    day: int | None = Field(default=None, description="Day of month, if stated.")
    weekday: int | None = Field(default=None, description="0=Monday .. 6=Sunday, if stated.")
    context: list[str] = Field(default_factory=list, description="Content stems within a few words of the date.")


class Negation(BaseModel):
    """A negation or denial cue and the words it applies to."""

    model_config = ConfigDict(frozen=True)

    cue: str = Field(description="The cue as written: 'not', 'never', 'denies', 'rejecting', 'contrary to'...")
    start: int = Field(description="Offset of the cue.")
    end: int = Field(description="Offset one past the cue.")
    scope: str = Field(description="Text the cue negates (for 'rejecting X's claim that P', P).")
    scope_stems: list[str] = Field(default_factory=list, description="Content stems of the scope.")
    scope_end: int = Field(default=0, description="Offset one past the scope (cue..scope_end quotes the denial).")
    actions: list[str] = Field(default_factory=list, description="Action keys inside the scope.")
    denied_party: str | None = Field(default=None, description="Whose claim is denied ('Algeria' in 'rejecting Algeria's claim').")
    kind: str = Field(
        default="negation",
        description="'negation' (not/never/no), 'denial' (denies/rejects/contradicting P) or 'dispute' "
        "('contrary to X's assertions': no negated scope, only the disputed party).",
    )


class Action(BaseModel):
    """An occurrence of an action verb with its agent, if one is stated."""

    model_config = ConfigDict(frozen=True)

    key: str = Field(description="Action key shared by synonyms ('down' for shot/brought/downed...).")
    base: str = Field(default="", description="Base form of the verb as used ('shoot down', 'down').")
    text: str = Field(description="The verb phrase as written.")
    start: int = Field(description="Offset of the verb.")
    end: int = Field(description="Offset one past the verb (and particle).")
    agent: str | None = Field(default=None, description="Who did it, as written (after pronoun resolution).")
    agent_key: str | None = Field(default=None, description="Normalised main name of the agent; compare with same_entity().")
    passive: bool = Field(default=False, description="Passive voice ('was shot down by ...').")
    negated: bool = Field(default=False, description="'not'/'never' applies to it.")
    object_stems: list[str] = Field(default_factory=list, description="Content stems of the thing acted on.")


class Clause(BaseModel):
    """A part of a sentence with its own speaker ('while A claim X, B insist Y')."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(description="Offset into the sentence.")
    end: int = Field(description="End offset into the sentence.")
    attributed_to: str | None = Field(default=None, description="Speaker of this clause.")
    attribution_key: str | None = Field(default=None, description="Normalised main name of the speaker.")
    claim_start: int = Field(default=0, description="Offset into the sentence just after the speaker's verb.")


class Claim(BaseModel):
    """Everything :func:`analyze` found in one sentence (offsets are into ``text``)."""

    text: str = Field(description="The analysed sentence.")
    words: list[str] = Field(description="Lowercased word and number tokens.")
    stems: list[str] = Field(description="Content stems, in order.")
    entities: list[Entity] = Field(default_factory=list, description="Capitalised names.")
    quantities: list[Quantity] = Field(default_factory=list, description="Numbers with units and counts.")
    dates: list[DateMention] = Field(default_factory=list, description="Dates, years and weekdays.")
    negations: list[Negation] = Field(default_factory=list, description="Negation and denial cues.")
    actions: list[Action] = Field(default_factory=list, description="Action verbs with their agents.")
    attributed_to: str | None = Field(default=None, description="Who the sentence attributes its claim to.")
    attribution_key: str | None = Field(default=None, description="Normalised main name of attributed_to; compare with same_entity().")
    speech_verb: str | None = Field(default=None, description="The reporting verb ('said', 'maintains').")
    contrast: str | None = Field(default=None, description="A contrast connective opening the sentence ('however').")
    body_start: int = Field(
        default=0, description="Offset after a leading dateline ('Nov 8, 2017 ...', 'Algiers, Algeria –'), else 0."
    )

    @property
    def negated(self) -> bool:
        return bool(self.negations)
