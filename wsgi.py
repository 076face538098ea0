"""The WSGI entry point: `flask --app wsgi …` and gunicorn's `wsgi:app`."""
from app import create_app

app = create_app()
