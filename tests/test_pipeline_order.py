"""The pipeline checks stage order at start-up and names the offending stage."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from rasd.config import PipelineConfig
from rasd.exceptions import ConfigError, PipelineOrderError
from rasd.pipeline.base import Pipeline, check_order, registered_stages
from rasd.pipeline.doc import Doc
from rasd.records import Document


@dataclass
class _Stage:
    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]

    def load(self) -> None:
        pass

    def __call__(self, doc: Doc) -> Doc:
        return doc


def test_pipeline_order_rejects_missing_requirement() -> None:
    with pytest.raises(PipelineOrderError, match="'b'.*requires x"):
        check_order([_Stage("a", ("document",), ("y",)), _Stage("b", ("x",), ())])


def test_pipeline_order_accepts_valid_chain() -> None:
    pipe = Pipeline([_Stage("a", ("document",), ("x",)), _Stage("b", ("x",), ("y",))])
    out = pipe(Doc(Document.from_text("some text here")))
    assert {"x", "y"} <= out.assigned


def test_pipeline_order_default_config_is_valid() -> None:
    pipe = Pipeline.from_config(PipelineConfig.load())
    assert [s.name for s in pipe.stages] == list(PipelineConfig.load().pipeline.stages)
    assert not pipe.loaded  # building never loads models


def test_pipeline_order_unknown_stage_named() -> None:
    cfg = PipelineConfig.from_toml('[pipeline]\nstages = ["normalise", "nlpp"]')
    with pytest.raises(ConfigError, match="nlpp") as info:
        Pipeline.from_config(cfg)
    assert "nlp" in info.value.fix


@pytest.mark.parametrize("order", [["nlp", "normalise"], ["normalise", "detect", "nlp"]])
def test_pipeline_order_misordered_config_fails_at_startup(order: list[str]) -> None:
    stages = ", ".join(f'"{s}"' for s in order)
    cfg = PipelineConfig.from_toml(f"[pipeline]\nstages = [{stages}]")
    if order == ["nlp", "normalise"]:
        Pipeline.from_config(cfg)  # valid: nlp needs only the document
    else:
        with pytest.raises(PipelineOrderError):
            Pipeline.from_config(cfg)


def test_pipeline_order_registry_has_every_stage() -> None:
    assert set(PipelineConfig.load().pipeline.stages) <= set(registered_stages())
