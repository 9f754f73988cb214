"""The web layer: a Flask app factory and one blueprint per concern. It depends on `graph`,
never the other way round.

    sparql      the SPARQL 1.1 Protocol at /sparql
    resources   linked-data dereferencing (/id/, /doc/) and the ontology
    validate    SHACL validation (/validate) and the shapes (/shapes)
    dataset     the home page, VoID (/void) and the dumps (/dumps/)
    search      finding resources by name (/search)
    health      /healthz and /readyz
    urls        the one mapping between the dataset's IRIs and the service's URLs
    negotiation content negotiation over the one registry of formats
    server      production serving under gunicorn
"""

from graph_service.web.app import create_app

__all__ = ["create_app"]
