"""Where attached files live, behind one small interface: a folder for one node
(YIMA_UPLOAD_DIR, default instance/uploads, outside static/) or an S3-compatible bucket for
several (YIMA_S3_URL, YIMA_S3_BUCKET and its keys; boto3). Names are chosen by the server
(app/services/uploads.py): nothing a citizen sends ever becomes part of a path.

No Flask here: `store_for(config)` takes the settings as a mapping.
"""
import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Protocol

from app.domain.attachments import extension

PHOTO_PREFIX, LETTER_PREFIX, REPLY_PREFIX = "photos", "letters", "replies"  # one folder each
KEY = re.compile(r"^[a-z]+/[0-9a-f]{32}(\.thumb)?\.(jpg|png|pdf)$")  # the only names ever stored


class Missing(Exception):
    """No file under this key."""


@dataclass(frozen=True)
class Stored:
    """A key in a store and when it was written (UTC), for the sweep of orphans."""

    key: str
    written_at: datetime


class Store(Protocol):
    """The interface both stores offer."""

    def put(self, key: str, data: bytes, media_type: str) -> None:
        """Write `data` under `key`, whole or not at all."""

    def get(self, key: str) -> bytes:
        """The bytes under `key`; Missing if none."""

    def delete(self, key: str) -> None:
        """Remove `key`; no error if it is gone already."""

    def listing(self) -> Iterator[Stored]:
        """Every key held, with its time of writing."""


def _checked(key: str) -> str:
    if not KEY.match(key):
        raise ValueError(f"not a stored file's name: {key!r}")
    return key


class FolderStore:
    """Files in a folder of this node's disk."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / _checked(key)

    def put(self, key: str, data: bytes, media_type: str) -> None:
        """Written to a temporary name and renamed: a reader never sees half a file."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = path.with_name(path.name + ".partial")
        with open(partial, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())  # on disk before its row commits
        os.replace(partial, path)

    def get(self, key: str) -> bytes:
        """The file's bytes."""
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise Missing(key) from None

    def delete(self, key: str) -> None:
        """Unlink the file."""
        self._path(key).unlink(missing_ok=True)

    def listing(self) -> Iterator[Stored]:
        """Every stored file under the folder (a leftover .partial is listed under its name)."""
        if not self.root.is_dir():
            return
        for path in self.root.glob("*/*"):
            key = f"{path.parent.name}/{path.name.removesuffix('.partial')}"
            if KEY.match(key):
                yield Stored(key, datetime.fromtimestamp(path.stat().st_mtime, timezone.utc))


class BucketStore:
    """Objects in an S3-compatible bucket (AWS S3, MinIO, Ceph, or a cloud's OSS/COS S3 API)."""

    def __init__(self, url: str, bucket: str, key_id: str, secret: str, region: str = "us-east-1"):
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.client = boto3.client(
            "s3", endpoint_url=url or None, aws_access_key_id=key_id, aws_secret_access_key=secret,
            region_name=region, config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3},
                                              connect_timeout=5, read_timeout=30))

    def put(self, key: str, data: bytes, media_type: str) -> None:
        """One PUT: S3 stores an object whole or not at all."""
        self.client.put_object(Bucket=self.bucket, Key=_checked(key), Body=data, ContentType=media_type)

    def get(self, key: str) -> bytes:
        """One GET."""
        try:
            return self.client.get_object(Bucket=self.bucket, Key=_checked(key))["Body"].read()
        except self.client.exceptions.NoSuchKey:
            raise Missing(key) from None

    def delete(self, key: str) -> None:
        """One DELETE (S3 answers the same for a key that is gone)."""
        self.client.delete_object(Bucket=self.bucket, Key=_checked(key))

    def listing(self) -> Iterator[Stored]:
        """Every object, page by page."""
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            for item in page.get("Contents", []):
                if KEY.match(item["Key"]):
                    yield Stored(item["Key"], item["LastModified"].astimezone(timezone.utc))


def store_for(config) -> Store:
    """The store the settings name: the bucket when YIMA_S3_BUCKET is set, else the folder."""
    if config.get("S3_BUCKET"):
        return BucketStore(config.get("S3_URL", ""), config["S3_BUCKET"], config.get("S3_KEY_ID", ""),
                           config.get("S3_SECRET", ""), config.get("S3_REGION") or "us-east-1")
    return FolderStore(config["UPLOAD_DIR"])


def new_keys(prefix: str, media_type: str) -> tuple[str, str]:
    """Fresh server-chosen names of a file and its thumbnail: 128 random bits, nothing of the
    sender's file name."""
    name, ending = f"{prefix}/{secrets.token_hex(16)}", extension(media_type)
    return f"{name}.{ending}", f"{name}.thumb.{ending}"


def store_file(store: Store, cleaned, prefix: str) -> dict:
    """Write a cleaned file (app/core/images.py Cleaned) and its thumbnail under new names;
    what its row will record, as a plain dict (a form holds it sealed until the case exists)."""
    key, thumb_key = new_keys(prefix, cleaned.media_type)
    if cleaned.thumb is not None:
        store.put(thumb_key, cleaned.thumb, cleaned.media_type)
    store.put(key, cleaned.data, cleaned.media_type)
    return {"key": key, "thumb_key": thumb_key if cleaned.thumb is not None else None,
            "media_type": cleaned.media_type, "size": len(cleaned.data),
            "width": cleaned.width, "height": cleaned.height, "checksum": cleaned.checksum}
