"""/api/exports/{fmt}: every matching event as a streamed file (constant memory)."""

from __future__ import annotations

from dataclasses import replace
from typing import IO, Annotated, Literal

from fastapi import APIRouter, Depends, Path
from fastapi.responses import StreamingResponse

from rasd.api.deps import StoreDep
from rasd.api.filters import event_filters
from rasd.api.streaming import stream_writer
from rasd.service import writer_for
from rasd.store.base import EventQuery

router = APIRouter(tags=["exports"])

#: format -> (media type, file extension)
FORMATS: dict[str, tuple[str, str]] = {
    "acled-csv": ("text/csv; charset=utf-8", "csv"),
    "geojson": ("application/geo+json", "geojson"),
    "jsonl": ("application/x-ndjson", "jsonl"),
    "stix": ("application/stix+json;version=2.1", "stix.json"),
}


@router.get(
    "/exports/{fmt}",
    response_class=StreamingResponse,
    responses={200: {"content": {media: {} for media, _ext in FORMATS.values()}}},
)
def export_events(
    store: StoreDep,
    filters: Annotated[EventQuery, Depends(event_filters)],
    fmt: Annotated[
        Literal["acled-csv", "geojson", "jsonl", "stix"], Path(description="the file format")
    ],
) -> StreamingResponse:
    """Download the matching events, oldest first, as ``rasd export`` writes them: ACLED
    CSV, GeoJSON (events without coordinates left out), JSON Lines or a STIX 2.1 bundle
    (events as sightings in their documents' reports). Streamed: memory stays flat
    however many events match (STIX keeps the ids of each report's objects)."""
    if fmt == "stix":
        from rasd.exchange import stix_writer  # stix2 loads only when asked for

        write = stix_writer(store.get_document)
    else:
        write = writer_for(fmt)
    media_type, ext = FORMATS[fmt]
    events = store.events(replace(filters, order="event_date"))  # fails here, before the 200

    def produce(fh: IO[str]) -> object:
        return write(events, fh)

    return StreamingResponse(
        stream_writer(produce),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="rasd-events.{ext}"'},
    )
