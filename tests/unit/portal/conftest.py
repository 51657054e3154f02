from pathlib import Path

import pytest
from flask import Flask
from flask_babel import Babel

from services.portal import bootstrap
from services.portal.entrypoints import names, signed_in
from services.portal.settings import PortalSettings
from tests.support.keys import TEST_KEY
from tests.unit.portal.rendered import CLERK, CheckedClient, FakeApi

TRANSLATIONS = Path(__file__).resolve().parents[3] / "services" / "portal" / "translations"


@pytest.fixture
def vietnamese():
    """A request in Vietnamese, the portal's catalogue loaded: what a page would say."""
    app = Flask(__name__)
    app.config.update(BABEL_DEFAULT_LOCALE="vi", BABEL_TRANSLATION_DIRECTORIES=str(TRANSLATIONS))
    Babel(app)
    with app.test_request_context():
        yield


@pytest.fixture
def signed_in_as():
    """Who the pages are rendered for: the commune's clerk unless a test says otherwise."""
    return [CLERK]


@pytest.fixture
def api():
    """The services' answers the pages are rendered with: a test may add or change some."""
    return FakeApi()


@pytest.fixture
def client(monkeypatch, tmp_path: Path, signed_in_as, api):
    settings = PortalSettings(database_url="sqlite://", api_urls={}, secret_key="test", signing_key=TEST_KEY,
                              secure_cookies=False, data_dir=tmp_path)
    app = bootstrap.create_app(settings, accounts=object())
    app.config.update(WTF_CSRF_ENABLED=False)
    app.test_client_class = CheckedClient

    def signed_in_account():
        signed_in.g.account, signed_in.g.api = signed_in_as[0], api

    monkeypatch.setattr(signed_in, "_load", signed_in_account)
    monkeypatch.setattr(names, "_read", lambda now: names._Names(now, {}, {}))
    monkeypatch.setattr("services.portal.entrypoints.public._anonymous", lambda: api)
    return app.test_client()
