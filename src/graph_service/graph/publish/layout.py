"""Where the service publishes each part of the dataset, as paths relative to the base IRI.

Every IRI the dataset mints is served at its own path (`<base>id/city/paris` at `/id/city/paris`),
so these paths are both parts of IRIs (the VoID description names `<base>sparql` and the dumps)
and routes of the web layer (`web.urls` maps between the two). They live in the graph layer
because the dataset description needs them and the graph layer never imports the web layer.
"""

from __future__ import annotations

#: Resource IRIs: `<base>id/<kind>/<slug>` (the things the article is about).
RESOURCE = "id/"
#: Description documents of resources: `<base>doc/<kind>/<slug>.<extension>`.
DOCUMENT = "doc/"
#: The ontology document; terms are hash IRIs `<base>ontology#Term`.
ONTOLOGY = "ontology"
#: The shapes document; shapes are hash IRIs `<base>shapes#Name`.
SHAPES = "shapes"
#: Named graphs: `<base>graph/<name>`.
GRAPH = "graph/"
SPARQL = "sparql"
VALIDATE = "validate"
#: The dataset description (VoID + DCAT); the dataset itself is `<base>void#dataset`.
VOID = "void"
WELL_KNOWN_VOID = ".well-known/void"
DATASET_FRAGMENT = "dataset"
#: Whole-dataset downloads: `<base>dumps/liberation.<extension>`.
DUMPS = "dumps/"
DUMP_STEM = "liberation"
