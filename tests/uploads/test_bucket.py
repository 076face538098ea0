"""The S3-compatible bucket store, against a local S3 server over real HTTP: a citizen's photos
go into the bucket cleaned, come back through the tracking token only, and the sweep deletes
an orphan there as it does in the folder."""
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from PIL import Image

from app.attachments import Attachment
from app.core.db import utcnow
from app.services.uploads import sweep_orphans
from app.storage import Missing, store_file
from app.core.images import clean_image
from tests.conftest import hidden_fields
from tests.uploads import made
from tests.uploads.bucket import bucket_store, s3_url  # noqa: F401 (fixtures)
from tests.web.helpers import VALID, token_of


def test_photos_are_kept_in_the_bucket_and_served_from_it(app, client, session, bucket_store):  # noqa: F811
    data = hidden_fields(client.get("/submit").get_data(as_text=True)) | VALID
    data["photos"] = [(io.BytesIO(made.phone_jpeg()), "IMG_1.JPG"), (io.BytesIO(made.phone_heic()), "IMG_2.HEIC")]
    token = token_of(made.post_form(client, "/submit", data))
    rows = session.scalars(sa.select(Attachment).order_by(Attachment.id)).all()
    listed = {s.key for s in bucket_store.listing()}
    assert {r.key for r in rows} | {r.thumb_key for r in rows} == listed and len(listed) == 4
    head = bucket_store.client.head_object(Bucket=bucket_store.bucket, Key=rows[0].key)
    assert head["ContentType"] == "image/jpeg" and head["ContentLength"] == rows[0].size
    served = client.get(f"/t/{token}/files/{rows[1].id}")
    assert served.status_code == 200 and served.data == bucket_store.get(rows[1].key)
    assert b"iPhone" not in served.data and Image.open(io.BytesIO(served.data)).size == (300, 400)


def test_the_sweep_deletes_an_orphan_in_the_bucket_and_keeps_what_a_row_names(app, session, bucket_store):  # noqa: F811
    orphan = store_file(bucket_store, clean_image(made.webp()), "photos")
    now = utcnow()
    assert sweep_orphans(session, bucket_store, now).deleted == 0  # a form may still be open
    result = sweep_orphans(session, bucket_store, now + timedelta(hours=25))
    assert result.deleted == 2  # the photo and its thumbnail
    with pytest.raises(Missing):
        bucket_store.get(orphan["key"])
