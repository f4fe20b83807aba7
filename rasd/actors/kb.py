"""Actor knowledge bases: ``YamlActorKB`` (built-in YAML files plus user files) and
``FakeActorKB`` (in memory, for tests). Both implement
:class:`rasd.actors.base.ActorKB` and :class:`rasd.actors.base.ActorResolver`.

>>> kb = FakeActorKB({"islamic-state": ["Islamic State", "ISIS", "Daesh"]})
>>> kb.match("the Islamic State's").id
'islamic-state'
>>> kb.find("the foreign terrorist battalion of ISIS").id
'islamic-state'
>>> kb.match("this is it") is None
True
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from rasd.actors.base import ActorInfo
from rasd.actors.index import ActorIndex
from rasd.actors.patterns import build_patterns
from rasd.actors.schema import ActorEntry, GenericEntry, KBFile, parse_file
from rasd.config import ActorsConfig
from rasd.exceptions import KnowledgeBaseError
from rasd.records import Actor
from rasd.taxonomy import ActorType

BUILTIN_PACKAGE = "rasd"
BUILTIN_DIR = "data/actors"


def builtin_files() -> list[tuple[str, str]]:
    """(name, text) of the built-in KB files, sorted; files starting with "_" are not KB files."""
    folder = resources.files(BUILTIN_PACKAGE).joinpath(BUILTIN_DIR)
    out = [
        (f"built-in {f.name}", f.read_text("utf-8"))
        for f in folder.iterdir()
        if f.name.endswith(".yaml") and not f.name.startswith("_")
    ]
    return sorted(out)


def read_user_file(path: Path) -> tuple[str, str]:
    try:
        return str(path), Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeBaseError(
            str(path),
            f"cannot be read ({exc})",
            "check the path in [actors] extra_files of the pipeline config",
        ) from exc


def merge(files: Iterable[KBFile], default_country: str) -> ActorIndex:
    """Merge parsed files in order: a later entry with the same id replaces an earlier one."""
    index = ActorIndex(default_country=default_country)
    for kb_file in files:
        index.regimes.update(kb_file.regimes)
        for actor in kb_file.actors:
            index.actors[actor.id] = actor
        for gen in kb_file.generics:
            index.generics[gen.id] = gen
    return index.build()


class _IndexedKB:
    """Everything but loading: the ActorKB / ActorResolver methods over an ActorIndex."""

    _index: ActorIndex | None = None

    def load(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def index(self) -> ActorIndex:
        if self._index is None:
            self.load()
        assert self._index is not None
        return self._index

    def match(self, text: str) -> Actor | None:
        """The actor the whole phrase names ("the units of the CTS" counts), or None."""
        return self.index.exact(text)

    def find(self, text: str) -> Actor | None:
        """A whole-phrase match, else the actor heading the phrase ("ISIS terrorist gangs")."""
        return self.index.exact(text) or self.index.head(text)

    def find_all(self, text: str) -> list[tuple[int, int, Actor]]:
        return self.index.find_all(text)

    def context_match(self, text: str, present: Collection[str]) -> Actor | None:
        return self.index.context_match(text, present)

    def generic(self, text: str, country: str | None = None) -> Actor | None:
        return self.index.generic(text, country)

    def get(self, actor_id: str) -> Actor | None:
        return self.index.actor(actor_id)

    def info(self, actor_id: str) -> ActorInfo | None:
        return self.index.info(actor_id)

    def localise(self, actor: Actor, when: date | None = None, country: str | None = None) -> Actor:
        return self.index.localise(actor, when, country)

    def patterns(self) -> list[dict[str, Any]]:
        return build_patterns(self.index.all_aliases())

    def __len__(self) -> int:
        return len(self.index.actors)


class YamlActorKB(_IndexedKB):
    """The YAML knowledge base: built-in files, then ``config.extra_files`` over them."""

    def __init__(self, config: ActorsConfig | None = None) -> None:
        self.config = config or ActorsConfig()
        self._index = None

    def load(self) -> None:
        if self._index is not None:
            return
        texts = builtin_files() + [read_user_file(p) for p in self.config.extra_files]
        parsed = [parse_file(text, source) for source, text in texts]
        self._index = merge(parsed, self.config.default_country)


#: Generic phrases every FakeActorKB knows (a small subset of generic.yaml):
#: id -> (name template, actor type, kind, phrases).
FAKE_GENERICS: dict[str, tuple[str, int, str, list[str]]] = {
    "unidentified-armed-group": (
        "Unidentified Armed Group ({country})",
        3,
        "unidentified",
        ["gunmen", "armed men", "unidentified gunmen", "assailants", "militants"],
    ),
    "civilians": (
        "Civilians ({country})",
        7,
        "civilian",
        ["civilians", "farmer", "shepherd", "child"],
    ),
    "protesters": ("Protesters ({country})", 6, "protesters", ["protesters", "demonstrators"]),
    "rioters": ("Rioters ({country})", 5, "rioters", ["rioters"]),
    "spokesbody": (
        "Spokesperson ({country})",
        7,
        "spokesbody",
        ["spokesman", "spokesperson", "media cell"],
    ),
}


class FakeActorKB(_IndexedKB):
    """In-memory knowledge base for tests: ``{actor id: [name, alias, ...]}``.

    The first string is the actor's name. ``types``, ``parents`` and ``kinds`` give
    optional per-id facts (type defaults to 1, state forces).
    """

    def __init__(
        self,
        actors: dict[str, list[str]],
        *,
        types: dict[str, int] | None = None,
        parents: dict[str, str] | None = None,
        kinds: dict[str, str] | None = None,
        country: str = "Iraq",
    ) -> None:
        self.actors = actors
        self.types = types or {}
        self.parents = parents or {}
        self.kinds = kinds or {}
        self.country = country
        self._index = None

    def load(self) -> None:
        if self._index is not None:
            return
        kb_file = KBFile("<fake>")
        for actor_id, names in self.actors.items():
            kb_file.actors.append(
                ActorEntry(
                    id=actor_id,
                    name=names[0],
                    actor_type=ActorType(self.types.get(actor_id, 1)),
                    source="<fake>",
                    country=self.country,
                    aliases=tuple(names),
                    parent=self.parents.get(actor_id),
                    kind=self.kinds.get(actor_id, ""),
                )
            )
        for gid, (name, atype, kind, phrases) in FAKE_GENERICS.items():
            kb_file.generics.append(
                GenericEntry(gid, name, ActorType(atype), "<fake>", tuple(phrases), kind=kind)
            )
        self._index = merge([kb_file], self.country)
