"""Static files' URLs carry their content's hash (/static/yima.css?v=1a2b3c4d5e), so the front
(deploy/nginx.conf) can let browsers keep them for a year: a changed file has a new URL."""
import functools
import hashlib
from pathlib import Path

from werkzeug.security import safe_join


@functools.cache
def _version(folder: str, filename: str) -> str | None:
    """The first 10 hex digits of the file's SHA-256, read once per worker (a deploy restarts
    the workers); None for a file that is not there (its URL stays as it was)."""
    path = safe_join(folder, filename)  # never a file outside the folder
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10] if path else None
    except (OSError, ValueError):
        return None


def init_app(app) -> None:
    """Add ?v=<hash> to every url_for('static', filename=…) that does not set one."""

    @app.url_defaults
    def static_version(endpoint, values):
        if endpoint == "static" and "v" not in values and app.static_folder:
            version = _version(app.static_folder, str(values.get("filename", "")))
            if version:
                values["v"] = version
