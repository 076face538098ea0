"""Benchmark accepting a phone's photo: a 4000 x 3000 JPEG (12 megapixels, with GPS EXIF and a
90° orientation tag), cleaned alone and sent with a suggestion through the app.

Not a test. Each job runs in a fresh Python process so its peak memory is its own: the peak RSS
(resource.getrusage) over the process's RSS just before the first photo is accepted (the app
and the photo already in memory), and Python's own peak (tracemalloc; Pillow's pixel buffers
are C allocations it does not see, the RSS does). The CPU seconds (time.process_time) say what
a photo costs when the machine is shared; the wall-clock seconds what a citizen waits. Usage:

    python bench/photos.py [--repeat 5]

  clean   app/core/images.py clean_image: decode (JPEG draft, 1/2 scale), turn upright, shrink
          to 2048 px, re-encode without metadata, thumbnail
  submit  POST /submit with the photo (multipart) through the Flask app on a fresh SQLite
          database and an upload folder: the form, the photo, the case, the row, the commit
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a plain script from anywhere; bench/ is not a package

JOBS = ("clean", "submit")
SIDE = (4000, 3000)


def phone_photo() -> bytes:
    """A 4000 x 3000 JPEG as a phone writes one: texture that compresses like a street scene,
    stored sideways with orientation 6, camera and GPS in its EXIF."""
    from PIL import Image

    width, height = SIDE
    shade = Image.linear_gradient("L").resize((width, height))
    grain = Image.effect_noise((width, height), 24)
    photo = Image.merge("RGB", (shade, grain, shade.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "Apple", "iPhone 15", 6
    exif.get_ifd(0x8825).update({1: "N", 2: (29.0, 58.0, 12.5), 3: "E", 4: (121.0, 9.0, 30.25)})
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _clean_job(photo: bytes, repeat: int):
    from app.core.images import clean_image

    def once():
        cleaned = clean_image(photo)
        assert b"GPS" not in cleaned.data and cleaned.height > cleaned.width
    return once


def _submit_job(photo: bytes, repeat: int):
    import re

    from flask_migrate import upgrade
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    from app import create_app
    from app.core.db import utcnow
    from app.core.extensions import db
    from app.demo.seed import seed_demo

    tmp = tempfile.mkdtemp(prefix="yima-bench-photos-")
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/b.sqlite3",
                      "UPLOAD_DIR": f"{tmp}/uploads", "RATELIMIT_ENABLED": False, "REQUEST_LOG": False,
                      "PAGE_CACHE_SECONDS": 0})
    with app.app_context():
        upgrade()
        seed_demo(db.session, utcnow())
        db.session.commit()
    client = app.test_client()

    def once():
        html = client.get("/submit").get_data(as_text=True)
        fields = MultiDict(re.findall(r'name="(csrf_token|submission_key)" type="hidden" value="([^"]*)"', html))
        fields.update({"kind": "complaint", "category": "0", "text": "新建路3号门口的路灯坏了三天，晚上很黑。"})
        fields.add("photos", FileStorage(io.BytesIO(photo), "IMG_0001.JPG", content_type="image/jpeg"))
        boundary, body = encode_multipart(fields)
        response = client.post("/submit", data=body, content_type=f"multipart/form-data; boundary={boundary}")
        assert response.status_code == 303, response.status_code
    return once


def run_job(job: str, repeat: int) -> dict:
    """Run one job in this process and return its figures."""
    photo = phone_photo()
    once = {"clean": _clean_job, "submit": _submit_job}[job](photo, repeat)
    baseline = _rss_mb()
    tracemalloc.start()
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        once()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    python_peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return {"job": job, "photo_mb": len(photo) / 1e6, "median_s": statistics.median(times), "max_s": max(times),
            "cpu_s": statistics.median(cpu),
            "rss_peak_mb": _rss_mb(), "rss_added_mb": _rss_mb() - baseline, "python_peak_mb": python_peak,
            "repeat": repeat}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--job", choices=JOBS, help=argparse.SUPPRESS)  # the child process's one job
    args = parser.parse_args()
    if args.job:
        print(json.dumps(run_job(args.job, args.repeat)))
        return
    print(f"Accepting a {SIDE[0]} x {SIDE[1]} JPEG, {args.repeat} times per job, each job in a fresh process")
    print(f"{'job':<8}{'photo MB':>10}{'median s':>10}{'max s':>8}{'CPU s':>8}{'peak RSS MB':>13}"
          f"{'added RSS MB':>14}{'Python peak MB':>16}")
    for job in JOBS:
        out = subprocess.run([sys.executable, __file__, "--job", job, "--repeat", str(args.repeat)],
                             check=True, capture_output=True, text=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(f"{r['job']:<8}{r['photo_mb']:>10.1f}{r['median_s']:>10.3f}{r['max_s']:>8.3f}{r['cpu_s']:>8.3f}"
              f"{r['rss_peak_mb']:>13.0f}{r['rss_added_mb']:>14.0f}{r['python_peak_mb']:>16.1f}")


if __name__ == "__main__":
    main()
