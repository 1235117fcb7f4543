"""Package storage in an S3-compatible bucket (django-storages), against a local S3 server (moto)."""

import boto3
import pytest
from moto.server import ThreadedMotoServer

from registry.models import File
from tests import builders

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """Point package storage at a fresh bucket, as the WHARF_S3_* settings would."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    s3 = boto3.resource("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    name = f"wharf-{id(settings)}"
    s3.create_bucket(Bucket=name)
    settings.STORAGES = {
        **settings.STORAGES,
        "packages": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "location": "packages",
                "file_overwrite": False,
                "default_acl": None,
            },
        },
    }
    return s3.Bucket(name)


def keys(bucket) -> set[str]:
    return {item.key for item in bucket.objects.all()}


def test_upload_and_download_through_s3(upload, client, alice_token, bucket):
    dist = builders.wheel("demo", "1.0")
    assert upload(dist, token=alice_token).status_code == 200
    file = File.objects.get()
    assert keys(bucket) == {f"packages/{file.path}", f"packages/{file.path}.metadata"}
    response = client.get(f"/packages/{file.path}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == dist.content
    metadata = client.get(f"/packages/{file.path}.metadata")
    assert b"".join(metadata.streaming_content).startswith(b"Metadata-Version: 2.1")


def test_refused_upload_leaves_the_bucket_empty(upload, alice_token, bucket, monkeypatch):
    from registry.services import uploads

    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(uploads, "journal_record", fail)
    with pytest.raises(RuntimeError):
        upload(builders.wheel("demo", "1.0"), token=alice_token)
    assert keys(bucket) == set()
    assert File.objects.count() == 0
