"""Event trigger lexicon: which words signal which ACLED sub-event type.

Single-word triggers are keyed by lemma; multi-word triggers are spaCy Matcher
patterns. ``retype`` refines a trigger's type from its context (a "destroy" by
aircraft is an air strike; an "attack" with an IED is a remote explosive).
Confidence values are priors, later adjusted by the arguments found.
"""

from __future__ import annotations

from typing import Any, Final

# lemma -> (sub_event_type, prior confidence). Noun and verb readings share a lemma.
LEMMA_TRIGGERS: Final[dict[str, tuple[str, float]]] = {
    # Strategic developments
    "arrest": ("Arrests", 0.8),
    "detain": ("Arrests", 0.75),
    "detention": ("Arrests", 0.6),
    "apprehend": ("Arrests", 0.8),
    "nab": ("Arrests", 0.7),
    "defuse": ("Disrupted weapons use", 0.8),
    "dismantle": ("Disrupted weapons use", 0.6),
    "foil": ("Disrupted weapons use", 0.7),
    "thwart": ("Disrupted weapons use", 0.65),
    "intercept": ("Disrupted weapons use", 0.6),
    "loot": ("Looting/property destruction", 0.75),
    "looting": ("Looting/property destruction", 0.75),
    "plunder": ("Looting/property destruction", 0.7),
    "ransack": ("Looting/property destruction", 0.7),
    "torch": ("Looting/property destruction", 0.65),
    "demolish": ("Looting/property destruction", 0.6),
    "vandalize": ("Looting/property destruction", 0.6),
    "vandalise": ("Looting/property destruction", 0.6),
    "ceasefire": ("Agreement", 0.55),
    "truce": ("Agreement", 0.55),
    "defect": ("Change to group/activity", 0.55),
    # Battles
    "clash": ("Armed clash", 0.8),
    "fight": ("Armed clash", 0.55),
    "fighting": ("Armed clash", 0.65),
    "firefight": ("Armed clash", 0.8),
    "gunfight": ("Armed clash", 0.8),
    "battle": ("Armed clash", 0.6),
    "ambush": ("Armed clash", 0.7),
    "skirmish": ("Armed clash", 0.75),
    "recapture": ("Government regains territory", 0.75),
    "retake": ("Government regains territory", 0.75),
    "liberate": ("Government regains territory", 0.65),
    "regain": ("Government regains territory", 0.6),
    "recover": ("Government regains territory", 0.4),
    "overrun": ("Non-state actor overtakes territory", 0.7),
    # Explosions/Remote violence
    "airstrike": ("Air/drone strike", 0.85),
    "bombard": ("Shelling/artillery/missile attack", 0.7),
    "bombardment": ("Shelling/artillery/missile attack", 0.7),
    "shell": ("Shelling/artillery/missile attack", 0.75),
    "shelling": ("Shelling/artillery/missile attack", 0.8),
    "mortar": ("Shelling/artillery/missile attack", 0.65),
    "rocket": ("Shelling/artillery/missile attack", 0.55),
    "missile": ("Shelling/artillery/missile attack", 0.55),
    "artillery": ("Shelling/artillery/missile attack", 0.6),
    "ied": ("Remote explosive/landmine/IED", 0.8),
    "landmine": ("Remote explosive/landmine/IED", 0.8),
    "explosion": ("Remote explosive/landmine/IED", 0.6),
    "blast": ("Remote explosive/landmine/IED", 0.6),
    "explode": ("Remote explosive/landmine/IED", 0.65),
    "detonate": ("Remote explosive/landmine/IED", 0.7),
    "grenade": ("Grenade", 0.8),
    # Violence against civilians
    "kidnap": ("Abduction/forced disappearance", 0.85),
    "kidnapping": ("Abduction/forced disappearance", 0.8),
    "abduct": ("Abduction/forced disappearance", 0.85),
    "abduction": ("Abduction/forced disappearance", 0.8),
    "rape": ("Sexual violence", 0.8),
    "assassinate": ("Attack", 0.8),
    "assassination": ("Attack", 0.8),
    "execute": ("Attack", 0.5),
    "murder": ("Attack", 0.7),
    "massacre": ("Attack", 0.75),
    "stab": ("Attack", 0.7),
    "behead": ("Attack", 0.8),
    # Protests and riots
    "protest": ("Peaceful protest", 0.75),
    "demonstrate": ("Peaceful protest", 0.7),
    "demonstration": ("Peaceful protest", 0.75),
    "rally": ("Peaceful protest", 0.6),
    "riot": ("Violent demonstration", 0.75),
    "lynch": ("Mob violence", 0.8),
    "gather": ("Peaceful protest", 0.35),
    "discover": ("Disrupted weapons use", 0.35),
    "find": ("Disrupted weapons use", 0.3),
    "uncover": ("Disrupted weapons use", 0.4),
    "confiscate": ("Disrupted weapons use", 0.5),
    "stash": ("Disrupted weapons use", 0.5),
    "free": ("Government regains territory", 0.35),
    "march": ("Peaceful protest", 0.45),
    "beat": ("Attack", 0.5),
    "suspend": ("Change to group/activity", 0.4),
    "dissolve": ("Change to group/activity", 0.5),
    "disband": ("Change to group/activity", 0.6),
    "merge": ("Change to group/activity", 0.4),
    # Generic violence: typed by context in ``retype``
    "attack": ("Armed clash", 0.55),
    "strike": ("Air/drone strike", 0.45),
    "raid": ("Armed clash", 0.45),
    "kill": ("Attack", 0.5),
    "destroy": ("Looting/property destruction", 0.45),
    "bomb": ("Remote explosive/landmine/IED", 0.55),
    "bombing": ("Remote explosive/landmine/IED", 0.65),
    "shoot": ("Attack", 0.5),
    "seize": ("Disrupted weapons use", 0.4),
    "capture": ("Arrests", 0.45),
}

# Multi-word triggers: (pattern, sub_event_type, prior). The pattern's first token
# carrying "TRIGGER": True is the head used for syntax checks (defaults to the first).
PHRASE_TRIGGERS: Final[list[tuple[list[dict[str, Any]], str, float]]] = [
    (
        [
            {"LOWER": {"IN": ["air", "drone", "aerial"]}},
            {"LEMMA": {"IN": ["strike", "raid", "attack", "bombardment"]}},
        ],
        "Air/drone strike",
        0.85,
    ),
    (
        [{"LOWER": {"IN": ["air", "drone"]}}, {"ORTH": "-"}, {"LEMMA": "strike"}],
        "Air/drone strike",
        0.85,
    ),
    (
        [
            {"LOWER": "suicide"},
            {"LOWER": {"IN": ["bomber", "bombing", "attack", "attacker", "vest", "car", "truck"]}},
        ],
        "Suicide bomb",
        0.9,
    ),
    (
        [
            {"LEMMA": "blow"},
            {"LOWER": {"IN": ["himself", "herself", "themselves"]}},
            {"LOWER": "up"},
        ],
        "Suicide bomb",
        0.9,
    ),
    (
        [{"LOWER": {"IN": ["roadside", "car", "sticky", "parcel", "magnetic"]}}, {"LEMMA": "bomb"}],
        "Remote explosive/landmine/IED",
        0.85,
    ),
    ([{"LOWER": "explosive"}, {"LOWER": "device"}], "Remote explosive/landmine/IED", 0.75),
    (
        [
            {"LOWER": {"IN": ["chemical", "chlorine", "sarin"]}},
            {"LOWER": {"IN": ["attack", "weapon", "weapons", "gas"]}},
        ],
        "Chemical weapon",
        0.85,
    ),
    (
        [{"LEMMA": "exchange"}, {"LOWER": "of", "OP": "?"}, {"LOWER": {"IN": ["fire", "gunfire"]}}],
        "Armed clash",
        0.8,
    ),
    ([{"LEMMA": "open"}, {"LOWER": "fire"}], "Attack", 0.6),
    ([{"LEMMA": "take"}, {"LOWER": "into"}, {"LOWER": "custody"}], "Arrests", 0.8),
    (
        [{"LEMMA": "take"}, {"LOWER": "to"}, {"LOWER": "the"}, {"LOWER": "streets"}],
        "Peaceful protest",
        0.75,
    ),
    ([{"LOWER": "sit"}, {"ORTH": "-", "OP": "?"}, {"LOWER": "in"}], "Peaceful protest", 0.6),
    (
        [
            {"LEMMA": "sign"},
            {"OP": "*", "IS_SENT_START": False, "POS": {"IN": ["DET", "ADJ", "NOUN", "PROPN"]}},
            {"LEMMA": {"IN": ["agreement", "deal", "accord", "memorandum"]}},
        ],
        "Agreement",
        0.75,
    ),
    (
        [
            {"LEMMA": {"IN": ["reach", "agree"]}},
            {"OP": "?"},
            {"LEMMA": {"IN": ["agreement", "deal", "ceasefire", "truce"]}},
        ],
        "Agreement",
        0.75,
    ),
    ([{"LEMMA": "prisoner"}, {"LEMMA": {"IN": ["exchange", "swap"]}}], "Agreement", 0.75),
    (
        [
            {"LEMMA": {"IN": ["seize", "take", "gain", "assume"]}},
            {"LOWER": "control"},
            {"LOWER": "of"},
        ],
        "Non-state actor overtakes territory",
        0.6,
    ),
    (
        [{"LEMMA": {"IN": ["regain", "restore", "reassert"]}}, {"LOWER": "control"}],
        "Government regains territory",
        0.75,
    ),
    (
        [
            {"LEMMA": {"IN": ["establish", "set", "build", "open"]}},
            {"LOWER": "up", "OP": "?"},
            {"OP": "?"},
            {"OP": "?"},
            {"LEMMA": {"IN": ["base", "headquarters", "outpost"]}},
        ],
        "Headquarters or base established",
        0.7,
    ),
    (
        [
            {"LEMMA": {"IN": ["weapon", "arm", "ammunition", "explosive"]}},
            {"LEMMA": {"IN": ["cache", "depot", "stockpile"]}},
        ],
        "Disrupted weapons use",
        0.7,
    ),
    ([{"LEMMA": "shoot"}, {"LOWER": "down"}], "Disrupted weapons use", 0.75),
    (
        [
            {"LEMMA": {"IN": ["hand", "transfer"]}},
            {"LOWER": "over", "OP": "?"},
            {"LOWER": "control"},
        ],
        "Non-violent transfer of territory",
        0.7,
    ),
    ([{"LEMMA": "withdraw"}, {"LOWER": "from"}], "Non-violent transfer of territory", 0.45),
    ([{"LEMMA": "tear"}, {"LOWER": "gas"}], "Protest with intervention", 0.6),
    ([{"LOWER": {"IN": ["sexual", "sexually"]}}, {"LEMMA": {"IN": ["assault", "violence", "abuse", "harass", "harassment", "exploitation", "abuse"]}}], "Sexual violence", 0.85),
    ([{"LEMMA": {"IN": ["rape", "gang-rape", "molest"]}}], "Sexual violence", 0.85),
    ([{"LEMMA": {"IN": ["turn", "become", "grow"]}}, {"LOWER": "violent"}], "Violent demonstration", 0.7),
    ([{"LEMMA": {"IN": ["nerve", "mustard", "toxic", "poison", "poisonous", "chlorine"]}}, {"LEMMA": {"IN": ["gas", "agent"]}}], "Chemical weapon", 0.8),
    ([{"LEMMA": "set"}, {"LOWER": "fire"}, {"LOWER": "to"}], "Looting/property destruction", 0.6),
    (
        [{"LEMMA": "set"}, {"OP": "?"}, {"OP": "?"}, {"LOWER": "ablaze"}],
        "Looting/property destruction",
        0.6,
    ),
    ([{"LEMMA": "storm"}], "Violent demonstration", 0.4),
    (
        [
            {"LEMMA": "announce"},
            {"OP": "?"},
            {"LEMMA": {"IN": ["dissolution", "merger", "formation", "disbandment"]}},
        ],
        "Change to group/activity",
        0.7,
    ),
]

# Words whose presence near a trigger retypes it.
AIR_WORDS: Final = frozenset(
    {
        "aviation",
        "aircraft",
        "warplane",
        "jet",
        "helicopter",
        "drone",
        "uav",
        "air",
        "airstrike",
        "f-16",
        "plane",
        "gunship",
        "bomber",
        "air force",
        "sortie",
    }
)
SHELL_WORDS: Final = frozenset(
    {"mortar", "artillery", "rocket", "missile", "shell", "katyusha", "howitzer", "grad"}
)
IED_WORDS: Final = frozenset(
    {"ied", "roadside", "landmine", "mine", "explosive", "vbied", "booby", "device", "car bomb"}
)
WEAPON_WORDS: Final = frozenset(
    {
        "weapon",
        "weapons",
        "ammunition",
        "explosives",
        "ied",
        "ieds",
        "cache",
        "rocket",
        "rockets",
        "drone",
        "drones",
        "munitions",
        "mine",
        "mines",
        "bomb",
        "bombs",
        "device",
    }
)
CIVILIAN_WORDS: Final = frozenset(
    {
        "civilian",
        "civilians",
        "farmer",
        "farmers",
        "shepherd",
        "shepherds",
        "child",
        "children",
        "woman",
        "women",
        "villager",
        "villagers",
        "resident",
        "residents",
        "worker",
        "workers",
        "journalist",
        "teacher",
        "family",
        "man",
        "boy",
        "girl",
        "pilgrim",
        "pilgrims",
        "activist",
        "mukhtar",
        "doctor",
        "student",
        "students",
        "people",
    }
)
FORCE_WORDS: Final = frozenset(
    {
        "soldier",
        "soldiers",
        "troops",
        "army",
        "police",
        "policeman",
        "policemen",
        "checkpoint",
        "patrol",
        "forces",
        "fighters",
        "militants",
        "peshmerga",
        "officer",
        "officers",
        "base",
        "position",
        "positions",
        "convoy",
        "unit",
        "units",
        "personnel",
        "member",
        "members",
    }
)
PROTEST_WORDS: Final = frozenset(
    {
        "protester",
        "protesters",
        "protestor",
        "protestors",
        "demonstrator",
        "demonstrators",
        "protest",
        "protests",
        "rally",
        "sit-in",
        "crowd",
        "crowds",
        "march",
    }
)
CROWD_WORDS: Final = frozenset(
    {
        "crowd",
        "mob",
        "villagers",
        "residents",
        "shoppers",
        "traders",
        "tribesmen",
        "locals",
        "dozens",
        "hundreds",
        "angry",
    }
)
GROUP_ACTIVITY_OBJECTS: Final = frozenset(
    {
        "operations",
        "activities",
        "attacks",
        "activity",
        "operation",
        "group",
        "faction",
        "militia",
        "brigade",
        "wing",
        "movement",
        "organisation",
        "organization",
        "party",
    }
)
PROTEST_CUES: Final = frozenset(
    {
        "chant",
        "chanting",
        "banner",
        "banners",
        "slogan",
        "slogans",
        "placard",
        "placards",
        "demand",
        "demanding",
        "activists",
        "protesters",
        "demonstrators",
        "square",
        "release",
        "protest",
        "sit-in",
        "rally",
    }
)
DISASTER_WORDS: Final = frozenset(
    {"earthquake", "tsunami", "flood", "floods", "flooding", "landslide", "storm", "cyclone",
     "hurricane", "typhoon", "eruption", "volcano", "avalanche", "accident", "crash", "collapse",
     "leak", "blaze", "wildfire", "heatwave", "drought", "plant", "factory", "warehouse",
     "ammonium", "tank", "pipeline", "mine-collapse", "derailment"}
)
NON_STATE_WORDS: Final = frozenset(
    {"isis", "isil", "daesh", "militants", "rebels", "insurgents", "fighters", "jihadists",
     "taliban", "shabaab", "al-shabaab", "hts", "sdf", "ypg", "pkk", "houthis", "houthi",
     "militia", "militias", "group", "groups", "tribesmen", "gunmen", "opposition", "islamists",
     "boko", "haram", "jnim", "iswap", "terrorists", "separatists", "armed"}
)
STATE_WORDS: Final = frozenset(
    {"army", "troops", "forces", "government", "military", "soldiers", "police", "regime",
     "saa", "peshmerga", "pmf", "marines", "navy", "airforce"}
)
TERRITORY_OBJECTS: Final = frozenset(
    {
        "town",
        "village",
        "city",
        "district",
        "area",
        "territory",
        "neighbourhood",
        "neighborhood",
        "hill",
        "road",
        "bridge",
        "airport",
        "base",
        "villages",
        "towns",
        "areas",
        "region",
        "sub-district",
        "subdistrict",
        "oilfield",
        "field",
        "crossing",
        "control",
    }
)
