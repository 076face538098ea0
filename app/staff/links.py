"""Links that carry the page's own query on to another staff view (the next page, a download)."""
from flask import request

# Keyword names url_for() takes for itself: a query parameter of that name would become an
# instruction to url_for (an absolute URL, another scheme) or clash with the link's own value.
_URL_FOR_OWN = ("_anchor", "_method", "_scheme", "_external")


def carried_args(*dropped: str) -> dict[str, str]:
    """The request's query parameters to put on a link, without `dropped` (the names the link
    sets itself or must not carry) and without url_for()'s own keyword names."""
    return {name: value for name, value in request.args.items()
            if name not in dropped and name not in _URL_FOR_OWN}
