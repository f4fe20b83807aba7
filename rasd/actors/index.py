"""The in-memory core shared by every actor knowledge base: validated entries plus
alias, context-alias and generic-phrase indexes. ``YamlActorKB`` fills it from YAML
files; ``FakeActorKB`` from a dict."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date

from rasd.actors.base import ActorInfo
from rasd.actors.matcher import Alias, AliasIndex, Match, head_phrase, pick_head
from rasd.actors.normalise import Token, singular, slug, strip_determiners, tokenize
from rasd.actors.persons import country_named, mentioned_country
from rasd.actors.schema import ROLE_PARENT, ActorEntry, GenericEntry, Period
from rasd.exceptions import KnowledgeBaseError
from rasd.records import Actor
from rasd.taxonomy import ActorType

#: "PKK: Kurdistan Workers Party" -> ("PKK", "Kurdistan Workers Party")
_ACLED_PREFIX = re.compile(r"^([A-Za-z]{2,8}):\s+(.+)$")


def alias_words(text: str) -> tuple[str, ...]:
    """An alias as matching words; a leading "the" is dropped ("the Islamic State")."""
    return tuple(t.case for t in strip_determiners(tokenize(text)))


def alias_variants(text: str) -> set[tuple[str, ...]]:
    """The written alias plus its variant without the Arabic article ("Hashd Shaabi")."""
    words = alias_words(text)
    out = {words} if words else set()
    bare = tuple(w for w in words if w.casefold() != "al")
    if len(bare) >= 2:
        out.add(bare)
    return out


def name_aliases(name: str) -> list[str]:
    """Aliases implied by an ACLED name: "PKK: Kurdistan Workers Party" gives both halves."""
    m = _ACLED_PREFIX.match(name)
    return [name, m.group(1), m.group(2)] if m else [name]


#: Countries ACLED writes with "the" after "of": "Military Forces of the Netherlands".
THE_COUNTRIES = frozenset(
    {
        "United States", "United Kingdom", "United Arab Emirates", "Netherlands", "Philippines",
        "Democratic Republic of Congo", "Central African Republic", "Gambia", "Bahamas",
        "Comoros", "Maldives", "Czech Republic", "Dominican Republic", "Republic of Congo",
    }
)  # fmt: skip


def _with_article(name: str, country: str) -> str:
    if country in THE_COUNTRIES:
        return name.replace(f"of {country}", f"of the {country}")
    return name


def period_label(periods: list[Period], when: date) -> str:
    label = periods[0].label
    for p in periods:
        if p.start <= when:
            label = p.label
    return label


@dataclass
class ActorIndex:
    actors: dict[str, ActorEntry] = field(default_factory=dict)
    generics: dict[str, GenericEntry] = field(default_factory=dict)
    regimes: dict[str, list[Period]] = field(default_factory=dict)
    default_country: str = "Iraq"
    aliases: AliasIndex = field(default_factory=AliasIndex)
    context: dict[str, AliasIndex] = field(default_factory=dict)
    phrases: AliasIndex = field(default_factory=AliasIndex)
    _made: dict[str, tuple[Actor, str]] = field(default_factory=dict)  # generic actors by id

    # --- building -----------------------------------------------------------------

    def build(self) -> ActorIndex:
        """Validate cross-references and build the indexes. Raises KnowledgeBaseError."""
        for entry in self.actors.values():
            self._check_refs(entry)
            for text in entry.aliases:
                self._add_alias(Alias(alias_words(text), entry.id, text))
            ctx = self.context.setdefault(entry.id, AliasIndex())
            for text in entry.context_aliases:
                ctx.add(Alias(alias_words(text), entry.id, text))
        # Derived variants and names yield silently to explicit aliases.
        for entry in self.actors.values():
            for text in [*entry.aliases, *name_aliases(entry.name)]:
                for words in alias_variants(text):
                    self.aliases.add(Alias(words, entry.id, text))
        for gen in self.generics.values():
            for text in gen.phrases:
                alias = Alias(tuple(singular(t.key) for t in tokenize(text)), gen.id, text)
                clash = self.phrases.add(alias)
                if clash is not None:
                    self._clash(alias, clash, self.generics[clash.actor_id].source)
        return self

    def _check_refs(self, entry: ActorEntry) -> None:
        subject = f"{entry.source}: actor {entry.id!r}"
        if entry.parent and entry.parent not in self.actors:
            raise KnowledgeBaseError(
                subject, f"names unknown parent {entry.parent!r}", "use the id of an existing actor"
            )
        if entry.regime:
            periods = self.regimes.get(entry.regime)
            if periods is None:
                raise KnowledgeBaseError(
                    subject,
                    f"names unknown regime {entry.regime!r}",
                    f"define it under `regimes:` or use one of: {', '.join(sorted(self.regimes))}",
                )
            if f"({periods[-1].label})" not in entry.name:
                raise KnowledgeBaseError(
                    subject,
                    f"name {entry.name!r} lacks the regime's current label ({periods[-1].label})",
                    f'write the name with "({periods[-1].label})", as ACLED does',
                )

    def _add_alias(self, alias: Alias) -> None:
        clash = self.aliases.add(alias)
        if clash is not None:
            self._clash(alias, clash, self.actors[clash.actor_id].source)

    def _clash(self, alias: Alias, other: Alias, other_source: str) -> None:
        source = (self.actors.get(alias.actor_id) or self.generics[alias.actor_id]).source
        raise KnowledgeBaseError(
            f"{source}: actor {alias.actor_id!r}, alias {alias.source!r}",
            f"is also an alias of {other.actor_id!r} ({other_source}, as {other.source!r})",
            "keep the alias on one actor only: remove it here, or override the other "
            "actor by repeating its id in your file without that alias",
        )

    # --- lookups ------------------------------------------------------------------

    def actor(self, actor_id: str) -> Actor | None:
        entry = self.actors.get(actor_id)
        if entry is not None:
            return Actor(
                id=entry.id, name=entry.name, actor_type=entry.actor_type, country=entry.country
            )
        made = self._made.get(actor_id)
        return made[0] if made else None

    def info(self, actor_id: str) -> ActorInfo | None:
        entry = self.actors.get(actor_id)
        if entry is not None:
            return ActorInfo(entry.id, entry.parent, entry.kind, entry.country)
        made = self._made.get(actor_id)
        if made is None:
            return None
        return ActorInfo(made[0].id, None, made[1], made[0].country)

    def exact(self, text: str) -> Actor | None:
        alias = self.aliases.exact(text)
        return self.actor(alias.actor_id) if alias else None

    def head(self, text: str) -> Actor | None:
        m = self.aliases.head(text)
        return self.actor(m.alias.actor_id) if m else None

    def find_all(self, text: str) -> list[tuple[int, int, Actor]]:
        tokens = tokenize(text)
        out = []
        for m in self.aliases.non_overlapping(tokens):
            actor = self.actor(m.alias.actor_id)
            if actor is not None:
                out.append((tokens[m.start].start, tokens[m.end - 1].end, actor))
        return out

    def context_match(self, text: str, present: Collection[str]) -> Actor | None:
        tokens = tokenize(text)
        matches: list[Match] = []
        for actor_id in present:
            idx = self.context.get(actor_id)
            if idx is not None and len(idx):
                matches.extend(idx.all_matches(tokens))
        best = pick_head(tokens, matches)
        return self.actor(best.alias.actor_id) if best else None

    # --- generic fallbacks ---------------------------------------------------------

    def generic(self, text: str, country: str | None) -> Actor | None:
        forces = self.country_forces(text)
        if forces is not None:
            return forces
        tokens = [
            Token(t.start, t.end, t.text, singular(t.key), singular(t.key)) for t in tokenize(text)
        ]
        best = pick_head(tokens, self.phrases.all_matches(tokens))
        if best is None:
            return None
        named = mentioned_country(head_phrase(text))  # "Syrian civilians", "Jordanian troops"
        return self.make_generic(
            self.generics[best.alias.actor_id], named or country or self.default_country
        )

    def country_forces(self, text: str) -> Actor | None:
        """A country named as an actor ("Turkey shelled...") -> its military forces."""
        named = country_named(text)
        if named is None:
            return None
        gen = next((g for g in self.generics.values() if g.national == "military"), None)
        return self.make_generic(gen, named) if gen else None

    def national(self, role: str, country: str) -> ActorEntry | None:
        for entry in self.actors.values():
            if entry.national == role and entry.country == country:
                return entry
        return None

    def make_generic(self, gen: GenericEntry, country: str) -> Actor:
        role = gen.national
        while role:
            entry = self.national(role, country)
            if entry is not None:
                return Actor(
                    id=entry.id, name=entry.name, actor_type=entry.actor_type, country=entry.country
                )
            role = ROLE_PARENT.get(role)
        actor = Actor(
            id=f"{gen.id}-{slug(country)}",
            name=_with_article(gen.name.format(country=country), country),
            actor_type=gen.actor_type,
            country=country,
        )
        self._made[actor.id] = (actor, gen.kind)
        return actor

    # --- naming by date and place ----------------------------------------------------

    def localise(self, actor: Actor, when: date | None, country: str | None) -> Actor:
        entry = self.actors.get(actor.id)
        if entry is None:
            return actor
        name, atype = entry.name, entry.actor_type
        variant = entry.by_country.get(country or "")
        if variant is not None:
            name, atype = variant.name, variant.actor_type or atype
        if entry.regime and when is not None:
            periods = self.regimes[entry.regime]
            name = name.replace(f"({periods[-1].label})", f"({period_label(periods, when)})")
        if (
            atype == ActorType.STATE_FORCES
            and country
            and entry.country
            and country != entry.country
        ):
            atype = ActorType.EXTERNAL_FORCES
        return Actor(id=actor.id, name=name, actor_type=atype, country=actor.country)

    def all_aliases(self) -> Iterable[tuple[str, str]]:
        """(alias text as written, actor id) for every alias, including implied ones."""
        for entry in self.actors.values():
            for text in [*name_aliases(entry.name), *entry.aliases]:
                yield text, entry.id
