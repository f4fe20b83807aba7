"""ACLED event taxonomy (6 event types, 25 sub-event types), actor types and PLOVER mapping.

Source: ACLED Codebook (2023), sections "Event types and sub-event types" and
"Actor types" (inter codes 1-8). The PLOVER mapping follows the PLOVER event
ontology (Halterman et al.) at the level of its 16 event types.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Final

BATTLES: Final = "Battles"
EXPLOSIONS: Final = "Explosions/Remote violence"
VIOLENCE_CIVILIANS: Final = "Violence against civilians"
PROTESTS: Final = "Protests"
RIOTS: Final = "Riots"
STRATEGIC: Final = "Strategic developments"

#: sub_event_type -> event_type, in ACLED codebook order.
SUB_EVENT_TYPES: Final[dict[str, str]] = {
    "Armed clash": BATTLES,
    "Government regains territory": BATTLES,
    "Non-state actor overtakes territory": BATTLES,
    "Chemical weapon": EXPLOSIONS,
    "Air/drone strike": EXPLOSIONS,
    "Suicide bomb": EXPLOSIONS,
    "Shelling/artillery/missile attack": EXPLOSIONS,
    "Remote explosive/landmine/IED": EXPLOSIONS,
    "Grenade": EXPLOSIONS,
    "Sexual violence": VIOLENCE_CIVILIANS,
    "Attack": VIOLENCE_CIVILIANS,
    "Abduction/forced disappearance": VIOLENCE_CIVILIANS,
    "Peaceful protest": PROTESTS,
    "Protest with intervention": PROTESTS,
    "Excessive force against protesters": PROTESTS,
    "Violent demonstration": RIOTS,
    "Mob violence": RIOTS,
    "Agreement": STRATEGIC,
    "Arrests": STRATEGIC,
    "Change to group/activity": STRATEGIC,
    "Disrupted weapons use": STRATEGIC,
    "Headquarters or base established": STRATEGIC,
    "Looting/property destruction": STRATEGIC,
    "Non-violent transfer of territory": STRATEGIC,
    "Other": STRATEGIC,
}

EVENT_TYPES: Final[tuple[str, ...]] = (
    BATTLES,
    EXPLOSIONS,
    VIOLENCE_CIVILIANS,
    PROTESTS,
    RIOTS,
    STRATEGIC,
)

#: ACLED sub-event type -> PLOVER event type.
PLOVER: Final[dict[str, str]] = {
    "Armed clash": "FIGHT",
    "Government regains territory": "FIGHT",
    "Non-state actor overtakes territory": "FIGHT",
    "Chemical weapon": "FIGHT",
    "Air/drone strike": "FIGHT",
    "Suicide bomb": "FIGHT",
    "Shelling/artillery/missile attack": "FIGHT",
    "Remote explosive/landmine/IED": "FIGHT",
    "Grenade": "FIGHT",
    "Sexual violence": "ASSAULT",
    "Attack": "ASSAULT",
    "Abduction/forced disappearance": "ASSAULT",
    "Peaceful protest": "PROTEST",
    "Protest with intervention": "PROTEST",
    "Excessive force against protesters": "ASSAULT",
    "Violent demonstration": "PROTEST",
    "Mob violence": "ASSAULT",
    "Agreement": "AGREE",
    "Arrests": "COERCE",
    "Change to group/activity": "CHANGE_GROUP",
    "Disrupted weapons use": "COERCE",
    "Headquarters or base established": "MOBILIZE",
    "Looting/property destruction": "COERCE",
    "Non-violent transfer of territory": "RETREAT",
    "Other": "OTHER",
}


class ActorType(IntEnum):
    """ACLED 'inter' codes."""

    STATE_FORCES = 1
    REBEL_GROUP = 2
    POLITICAL_MILITIA = 3
    IDENTITY_MILITIA = 4
    RIOTERS = 5
    PROTESTERS = 6
    CIVILIANS = 7
    EXTERNAL_FORCES = 8


class TimePrecision(IntEnum):
    """ACLED time_precision: how exactly event_date is known."""

    DAY = 1
    WEEK = 2
    MONTH = 3


class GeoPrecision(IntEnum):
    """ACLED geo_precision."""

    TOWN = 1  # the named town itself
    NEAR = 2  # near a town, or a part of a region
    REGION = 3  # only the province/region is known


def event_type_of(sub_event_type: str) -> str:
    """Return the ACLED event type of a sub-event type, or raise KeyError."""
    return SUB_EVENT_TYPES[sub_event_type]


def is_valid_pair(event_type: str, sub_event_type: str) -> bool:
    return SUB_EVENT_TYPES.get(sub_event_type) == event_type


#: Traffic Light Protocol 2.0 markings (https://www.first.org/tlp/), least to most restricted.
#: CLEAR and GREEN are seen by every organisation of a rasd instance (its community);
#: AMBER, AMBER+STRICT and RED only by the owning organisation and those it shares with.
TLP_LEVELS = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")
TLP_OPEN = ("CLEAR", "GREEN")
TLP_RESTRICTED = ("AMBER", "AMBER+STRICT", "RED")
#: A standing feed (a shared saved query) never carries RED: RED goes event by event.
TLP_FEED = ("AMBER", "AMBER+STRICT")
#: The organisation that owns what is ingested without one (the CLI, the embedded default).
LOCAL_ORG = "local"
DEFAULT_TLP = "AMBER"


def tlp_rank(tlp: str) -> int:
    """0 (CLEAR) to 4 (RED); ValueError naming the accepted values otherwise."""
    try:
        return TLP_LEVELS.index(tlp)
    except ValueError:
        raise ValueError(
            f"TLP marking must be one of {', '.join(TLP_LEVELS)}; got {tlp!r}"
        ) from None
