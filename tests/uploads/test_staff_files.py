"""Staff see a case's photos (thumbnails, full size on click) within the case scope, attach a PDF
or pictures to a reply that the citizen downloads, and photograph a walk-in's handwritten letter;
a report's photos stay with the dispatch centre and supervisors."""
import io
import re

import sqlalchemy as sa
from PIL import Image

from app.attachments import Attachment
from tests.conftest import hidden_fields
from tests.uploads import made
from tests.web.helpers import VALID
from tests.web.staff_helpers import CSRF_ANY, signed_in

PDF = made.pdf_renamed()


def _file_with_photo(app, **values):
    citizen = app.test_client()
    data = hidden_fields(citizen.get("/p/YMQ2K8").get_data(as_text=True)) | VALID | values
    data["photos"] = [(io.BytesIO(made.phone_jpeg()), "IMG_1.JPG")]
    response = made.post_form(citizen, "/p/YMQ2K8", data)
    assert response.status_code == 303
    return citizen, response.headers["Location"].rsplit("/", 1)[1]


def _rows(session):
    session.rollback()
    return session.scalars(sa.select(Attachment).order_by(Attachment.id)).all()


def _reply(client, case_id, **fields):
    html = client.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    data = {"csrf_token": CSRF_ANY.search(html).group(1),
            "version": re.search(r'name="version" value="(\d+)"', html).group(1), **fields}
    return made.post_form(client, f"/staff/cases/{case_id}/reply", data)


def test_staff_of_the_case_see_its_photos_and_others_do_not(app, staff, session):
    _file_with_photo(app)
    [row] = _rows(session)
    handler = signed_in(app, "yangming")
    page = handler.get(f"/staff/cases/{row.case_id}").get_data(as_text=True)
    thumb = f"/staff/cases/{row.case_id}/files/{row.id}?thumb=1"
    assert f'src="{thumb}"' in page and f'href="/staff/cases/{row.case_id}/files/{row.id}"' in page
    small, full = handler.get(thumb), handler.get(f"/staff/cases/{row.case_id}/files/{row.id}")
    assert small.status_code == full.status_code == 200 and full.headers["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(full.data)).size == (300, 400) and len(small.data) < len(full.data)
    other_unit = signed_in(app, "jiaotong")
    assert other_unit.get(f"/staff/cases/{row.case_id}/files/{row.id}").status_code == 404
    assert app.test_client().get(f"/staff/cases/{row.case_id}/files/{row.id}").status_code in (302, 401)


def test_a_reports_photos_follow_the_reports_restriction(app, staff, session, make_case):
    _file_with_photo(app)
    [row] = _rows(session)
    dispatcher = signed_in(app, "dispatch")
    html = dispatcher.get(f"/staff/cases/{row.case_id}").get_data(as_text=True)
    data = {"csrf_token": CSRF_ANY.search(html).group(1),
            "version": re.search(r'name="version" value="(\d+)"', html).group(1), "message": "举报"}
    assert dispatcher.post(f"/staff/cases/{row.case_id}/mark_report", data=data).status_code == 303
    url = f"/staff/cases/{row.case_id}/files/{row.id}"
    assert signed_in(app, "yangming-lead").get(url).status_code == 404
    assert signed_in(app, "admin").get(url).status_code == 404
    assert signed_in(app, "yuyao-supervisor").get(url).status_code == 200


def test_a_reply_carries_a_pdf_and_a_picture_the_citizen_downloads(app, staff, session, make_receipt):
    receipt = make_receipt("accepted", kind="suggestion")
    handler = signed_in(app, "yangming")
    response = _reply(handler, receipt.suggestion.id, body="已修复，见附件。",
                      photos=[(io.BytesIO(PDF), "决定书.pdf"), (io.BytesIO(made.phone_jpeg()), "现场.jpg")])
    assert response.status_code == 303, response.get_data(as_text=True)[-3000:]
    pdf, picture = _rows(session)
    assert pdf.role == picture.role == "reply" and pdf.reply_id == picture.reply_id is not None
    assert pdf.added_by_id is not None and pdf.media_type == "application/pdf"
    page = app.test_client().get(f"/t/{receipt.token}").get_data(as_text=True)
    assert "附件1（PDF，1 KB）" in page
    download = app.test_client().get(f"/t/{receipt.token}/files/{pdf.id}")
    assert download.data == PDF and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"] == f'attachment; filename="yima-reply-{pdf.id}.pdf"'
    assert download.headers["Cache-Control"] == "no-store"
    shown = app.test_client().get(f"/t/{receipt.token}/files/{picture.id}")
    assert b"GPS" not in shown.data and Image.open(io.BytesIO(shown.data)).height == 400


def test_a_bad_reply_file_is_refused_and_the_reply_kept(app, staff, session, make_receipt):
    receipt = make_receipt("accepted", kind="suggestion")
    handler = signed_in(app, "yangming")
    response = _reply(handler, receipt.suggestion.id, body="答复正文保留",
                      photos=[(io.BytesIO(made.HTML), "letter.pdf")])
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "答复正文保留" in page
    assert "“letter.pdf”无法作为附件。请附上 PDF，或 JPEG、PNG、HEIC、WebP 格式的图片。" in page
    assert not _rows(session)


def test_counter_staff_attach_a_photo_of_the_handwritten_letter(app, staff, session):
    desk = signed_in(app, "dispatch")
    form = hidden_fields(desk.get("/staff/cases/new").get_data(as_text=True)) | VALID | {"channel": "counter"}
    form["photos"] = [(io.BytesIO(made.phone_jpeg()), "信.jpg")]
    assert made.post_form(desk, "/staff/cases/new", form).status_code == 303
    [row] = _rows(session)
    assert row.role == "letter" and row.added_by_id is not None
    assert "手写信件的照片" in desk.get(f"/staff/cases/{row.case_id}").get_data(as_text=True)


def test_a_request_too_large_for_any_form_says_so_and_how_to_keep_the_text(app):
    citizen = app.test_client()
    data = hidden_fields(citizen.get("/submit").get_data(as_text=True)) | VALID
    data["photos"] = [(io.BytesIO(b"\xff" * (11 * 1024 * 1024)), f"{n}.jpg") for n in range(3)]
    response = made.post_form(citizen, "/submit", data)
    assert response.status_code == 413
    assert "合计不能超过" in response.get_data(as_text=True)


def test_a_desk_form_sent_again_adds_no_second_letter_and_its_pin_only_soon(app, staff, session):
    from datetime import timedelta

    from app.models import Suggestion

    desk = signed_in(app, "dispatch")
    form = hidden_fields(desk.get("/staff/cases/new").get_data(as_text=True)) | VALID | {"channel": "counter"}
    first = made.post_form(desk, "/staff/cases/new", form | {"photos": [(io.BytesIO(made.phone_jpeg()), "信.jpg")]})
    assert first.status_code == 303 and "/slip" in first.headers["Location"]
    again = made.post_form(desk, "/staff/cases/new",
                           form | {"photos": [(io.BytesIO(made.phone_jpeg(width=320)), "另一页.jpg")]})
    [row] = _rows(session)  # one letter on a one-letter limit
    assert again.status_code == 303 and again.headers["Location"] == first.headers["Location"]
    page = desk.get(again.headers["Location"]).get_data(as_text=True)
    assert "随表单再次发送的扫描件未添加" in page
    # Later than the window, the same key gets the case page, not the slip with its PIN.
    case = session.get(Suggestion, row.case_id)
    session.execute(sa.update(Suggestion).values(created_at=case.created_at - timedelta(minutes=11)))
    session.commit()
    late = made.post_form(desk, "/staff/cases/new", form)
    assert late.status_code == 303 and late.headers["Location"].endswith(f"/staff/cases/{row.case_id}")
    assert "含查询码的回执单已在受理时显示过" in desk.get(late.headers["Location"]).get_data(as_text=True)
