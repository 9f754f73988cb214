"""The web layer: a Flask app factory and one blueprint per concern. It depends on `graph`,
never the other way round. Its modules are listed in the README (The code).

Other packages use it through this front: the app factory, what of the pages' npm parts is not
installed (`missing`, which `serve` warns of), and the server (`serving`) that
`graph-service serve` runs and tests and the benchmark start in the background.
"""

from graph_service.web.app import create_app
from graph_service.web.installed import missing
from graph_service.web.serving import BackgroundServer, GraphServiceApplication, listen, url_of

__all__ = ["BackgroundServer", "GraphServiceApplication", "create_app", "listen", "missing", "url_of"]
