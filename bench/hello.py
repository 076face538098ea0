"""The bare Flask app bench/serve.py measures Yima against: one route, no database."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    """The smallest useful response."""
    return "hello"
