"""The shared NUL check the write paths use (issue 12, defect 11)."""

from __future__ import annotations

from strategies import sample_document, sample_event

from rasd.store.textcheck import nul_fields


def test_api_nul_records_names_each_field() -> None:
    doc = sample_document().model_copy(update={"title": "Kirkuk\x00", "source": "INA"})
    assert nul_fields(doc) == ["title"]
    event = sample_event(doc).model_copy(update={"location": "Kir\x00kuk"})
    assert nul_fields(event) == ["location"]


def test_api_nul_records_clean_record_has_none() -> None:
    doc = sample_document()
    assert nul_fields(doc) == []
    assert nul_fields(sample_event(doc)) == []
