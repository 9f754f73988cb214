"""What the dataset says of itself and how it is handed out: resource descriptions, the
ontology reference, VoID, the SPARQL service description, dumps, and where each lives."""

from graph_service.graph.publish import dumps, layout
from graph_service.graph.publish.dates import date_of_label, shown_date
from graph_service.graph.publish.describe import (
    Description,
    describe,
    exists,
    has_note,
    is_inferred,
    labels_of,
    licence_name,
    quote_span,
)
from graph_service.graph.publish.dumps import DUMPS, Dump, dump_bytes
from graph_service.graph.publish.liberations import (
    DISPUTED_MARK,
    READING_MARK,
    DateClaim,
    Force,
    Liberation,
    Reception,
    liberations,
)
from graph_service.graph.publish.ontology_doc import OntologyDoc, PriorVersion, build_reference
from graph_service.graph.publish.ontology_versions import ArchivedOntology, archived_version
from graph_service.graph.publish.service_description import DatasetSummary, describe_service
from graph_service.graph.publish.void import (
    Usage,
    capital_cities,
    dataset_iri,
    declared_title,
    describe_dataset,
)

__all__ = [
    "ArchivedOntology", "archived_version", "PriorVersion",
    "date_of_label", "DISPUTED_MARK", "DUMPS", "READING_MARK", "build_reference", "capital_cities",
    "DateClaim", "Force",
    "Liberation", "liberations", "Reception", "dataset_iri", "DatasetSummary", "declared_title",
    "describe", "describe_dataset", "describe_service", "Description", "Dump", "dump_bytes", "dumps",
    "exists", "is_inferred", "has_note", "labels_of", "layout", "quote_span", "OntologyDoc", "shown_date",
    "licence_name", "Usage",
]
