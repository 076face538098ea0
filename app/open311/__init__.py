"""Open311 GeoReport v2 (with FixMyStreet's servicerequestupdates) under /open311/v2/.

Partners' systems file and follow cases here with an API key: no cookie, no CSRF token, no
session. The documents are app/open311/documents.py's, written by app/open311/formats.py;
what of a case they show is app/domain/publication.py's; statuses are app/domain/open311.py's.
"""
from app.core.extensions import csrf
from app.core.i18n import STATELESS
from app.open311.views import bp


def init_app(app) -> None:
    """Register the blueprint: CSRF-exempt (a key, not a cookie, says who posts) and sessionless."""
    csrf.exempt(bp)
    app.extensions.setdefault(STATELESS, set()).add(bp.name)
    app.register_blueprint(bp)
