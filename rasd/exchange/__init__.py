"""Exchange with threat-intelligence platforms (OpenCTI, MISP) as STIX 2.1.

    from rasd.exchange import write_stix_bundle, import_bundle

* :func:`write_stix_bundle` (:mod:`rasd.exchange.stix_export`): events and their
  documents as a STIX 2.1 bundle, streamed object by object.
* :func:`import_bundle` (:mod:`rasd.exchange.stix_import`): a bundle's reports as
  documents; rasd's own bundles give back the exact documents and events.

The mapping and its reasons are in docs/exchange.md.
"""

from __future__ import annotations

from rasd.exchange.stix_export import (
    RASD_NAMESPACE,
    TLP2_IDS,
    stix_id,
    stix_writer,
    tlp_marking,
    write_stix_bundle,
)
from rasd.exchange.stix_import import (
    Imported,
    ImportResult,
    import_bundle,
    read_bundle,
    save_coded,
)

__all__ = [
    "RASD_NAMESPACE",
    "TLP2_IDS",
    "ImportResult",
    "Imported",
    "import_bundle",
    "read_bundle",
    "save_coded",
    "stix_id",
    "stix_writer",
    "tlp_marking",
    "write_stix_bundle",
]
