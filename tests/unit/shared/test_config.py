import pytest

from shared import config
from shared.signing import SigningKey


def test_the_embedded_mode_verifies_with_a_development_key_kept_in_the_data_dir(monkeypatch, tmp_path):
    for name in ("CQS_JWKS_URL", "CQS_SIGNING_KEY_FILE", "CQS_DATABASE_URL", "CQS_BROKER_URL",
                 "CQS_SUBMISSION_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CQS_DATA_DIR", str(tmp_path))
    settings = config.load("submission")
    assert settings.jwks_url == (tmp_path / "jwks.json").as_uri()
    assert SigningKey.load(tmp_path / "signing-key.pem").kid == config.signing_key().kid  # kept, not regenerated
    assert settings.database_url == f"sqlite:///{tmp_path / 'submission.sqlite'}"
    assert settings.broker_url == config.EMBEDDED_BROKER_URL


def test_a_production_service_refuses_to_start_without_the_key_set_url(monkeypatch):
    monkeypatch.delenv("CQS_JWKS_URL", raising=False)
    monkeypatch.setenv("CQS_DATABASE_URL", "postgresql+psycopg://cqs@db/cqs")
    monkeypatch.setenv("CQS_BROKER_URL", "amqp://cqs:cqs@rabbitmq:5672/%2F")
    with pytest.raises(config.ConfigError, match="CQS_JWKS_URL"):
        config.load("review")
    monkeypatch.setenv("CQS_JWKS_URL", "http://portal:8000/.well-known/jwks.json")
    assert config.load("review").jwks_url == "http://portal:8000/.well-known/jwks.json"
