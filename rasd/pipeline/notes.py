"""One-sentence ACLED-style notes for an event, built from its coded fields."""

from __future__ import annotations

from typing import Final

from rasd.pipeline.doc import EventCandidate

VERBS: Final[dict[str, str]] = {
    "Armed clash": "clashed with",
    "Government regains territory": "regained territory from",
    "Non-state actor overtakes territory": "took over territory held by",
    "Chemical weapon": "used a chemical weapon against",
    "Air/drone strike": "carried out an air/drone strike on",
    "Suicide bomb": "carried out a suicide bombing against",
    "Shelling/artillery/missile attack": "shelled",
    "Remote explosive/landmine/IED": "detonated an explosive device against",
    "Grenade": "threw a grenade at",
    "Sexual violence": "committed sexual violence against",
    "Attack": "attacked",
    "Abduction/forced disappearance": "abducted",
    "Peaceful protest": "protested",
    "Protest with intervention": "protested and were met by",
    "Excessive force against protesters": "used excessive force against",
    "Violent demonstration": "demonstrated violently against",
    "Mob violence": "carried out mob violence against",
    "Agreement": "reached an agreement with",
    "Arrests": "arrested",
    "Change to group/activity": "changed group activity, involving",
    "Disrupted weapons use": "disrupted weapons use by",
    "Headquarters or base established": "established a base, affecting",
    "Looting/property destruction": "looted or destroyed property of",
    "Non-violent transfer of territory": "transferred territory to",
    "Other": "was involved with",
}


def summarise(cand: EventCandidate) -> str:
    """e.g. "On 2023-09-25, Military Forces of Iraq arrested Abu Bukhari (Islamic State) in Kirkuk, Kirkuk." """
    actor1 = cand.actor1_resolved[0].name if cand.actor1_resolved else "Unidentified actors"
    if len(cand.actor1_resolved) > 1:
        actor1 += ", with " + ", ".join(a.name for a in cand.actor1_resolved[1:]) + ","
    target = ""
    if cand.persons:
        target = ", ".join(p.span.text.strip("“”\"' ") for p in cand.persons)
        if cand.actor2_resolved:
            target += f" ({cand.actor2_resolved[0].name})"
    elif cand.actor2_resolved:
        target = cand.actor2_resolved[0].name
    verb = VERBS.get(cand.sub_event_type, "was involved in")
    if not target and verb.endswith(
        (
            " with",
            " against",
            " on",
            " from",
            " by",
            " of",
            " to",
            " at",
            " involving",
            " affecting",
            " held by",
        )
    ):
        verb = verb.rsplit(" ", 1)[0] if not verb.endswith(" held by") else verb[: -len(" held by")]
    sentence = f"{actor1} {verb}{' ' + target if target else ''}"
    if cand.place is not None:
        where = cand.place.name
        if cand.place.admin1 and cand.place.admin1 != cand.place.name:
            where += f", {cand.place.admin1}"
        sentence += f" {'near' if cand.geo_precision == 2 else 'in'} {where}"
    when = f"On {cand.date.value.isoformat()}, " if cand.date else ""
    tail = f" {cand.fatalities} reported fatalities." if cand.fatalities else ""
    return f"{when}{sentence}.{tail}"
