"""The S3 evidence store against an S3-compatible server over HTTP (moto's server, standing in
for MinIO where no container can run): what is put comes back byte for byte, keys are the
service's own, and a discarded upload is gone."""
from __future__ import annotations

import hashlib
import uuid

import boto3
import pytest
from moto.server import ThreadedMotoServer

from services.submission.adapters.file_storage import S3EvidenceStore, store_from_environment
from tests.support.processes import free_port

pytestmark = pytest.mark.integration


@pytest.fixture
def s3_endpoint(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "cqs-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "cqs-test-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="minh-chung")
    yield endpoint
    server.stop()


def test_files_round_trip_under_generated_keys_and_discarded_ones_are_gone(s3_endpoint, monkeypatch, tmp_path):
    monkeypatch.setenv("CQS_EVIDENCE_STORE", "s3://minh-chung/2027")
    monkeypatch.setenv("CQS_EVIDENCE_S3_ENDPOINT", s3_endpoint)
    store = store_from_environment(tmp_path)
    assert isinstance(store, S3EvidenceStore)
    data = b"%PDF-1.4\n" + bytes(range(256)) * 100
    key, other = uuid.uuid4().hex, uuid.uuid4().hex
    store.put(key, data, "application/pdf")
    store.put(other, b"%PDF-1.4\nother", "application/pdf")
    assert hashlib.sha256(store.get(key)).digest() == hashlib.sha256(data).digest()
    listed = boto3.client("s3", endpoint_url=s3_endpoint).list_objects_v2(Bucket="minh-chung")["Contents"]
    assert sorted(item["Key"] for item in listed) == sorted([f"2027/{key}", f"2027/{other}"])
    store.discard(other)
    with pytest.raises(store.client.exceptions.NoSuchKey):
        store.get(other)
    with pytest.raises(ValueError, match="not a generated storage key"):
        store.put("../../etc/passwd", data, "application/pdf")
    assert not list(tmp_path.iterdir())  # nothing went to local disk
