from pathlib import Path

import pytest
from flask import Flask
from flask_babel import Babel

TRANSLATIONS = Path(__file__).resolve().parents[3] / "services" / "portal" / "translations"


@pytest.fixture
def vietnamese():
    """A request in Vietnamese, the portal's catalogue loaded: what a page would say."""
    app = Flask(__name__)
    app.config.update(BABEL_DEFAULT_LOCALE="vi", BABEL_TRANSLATION_DIRECTORIES=str(TRANSLATIONS))
    Babel(app)
    with app.test_request_context():
        yield
