import pytest

from shared import config


def test_the_embedded_mode_runs_on_the_demo_secret(monkeypatch, tmp_path):
    for name in ("CQS_JWT_SECRET", "CQS_DATABASE_URL", "CQS_BROKER_URL", "CQS_SUBMISSION_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CQS_DATA_DIR", str(tmp_path))
    settings = config.load("submission")
    assert settings.jwt_secret == config.EMBEDDED_SECRET
    assert settings.database_url == f"sqlite:///{tmp_path / 'submission.sqlite'}"
    assert settings.broker_url == "memory://"


def test_a_production_service_refuses_to_start_without_its_secret(monkeypatch):
    monkeypatch.delenv("CQS_JWT_SECRET", raising=False)
    monkeypatch.setenv("CQS_DATABASE_URL", "postgresql+psycopg://cqs@db/cqs")
    monkeypatch.setenv("CQS_BROKER_URL", "amqp://cqs:cqs@rabbitmq:5672/%2F")
    with pytest.raises(config.ConfigError, match="CQS_JWT_SECRET"):
        config.load("review")
    monkeypatch.setenv("CQS_JWT_SECRET", "a-real-secret-of-at-least-32-bytes!!")
    assert config.load("review").jwt_secret == "a-real-secret-of-at-least-32-bytes!!"
