"""Benchmark the print shop's big jobs: a 1,000-poster batch PDF and a 1,000-label sticker run.

Not a test. Each job runs in a fresh Python process so its peak RSS is its own. Usage:

    python bench/posters.py [--count 1000] [--size a4] [--font PATH]

Targets (issue 4): each job under 20 s and under 50 MB on the 2-core reference machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a plain script from anywhere; bench/ is not a package

JOBS = ("batch", "stickers")


def specs(count: int):
    """Yuyao-like posters with distinct codes, generated lazily as a database cursor would."""
    from qr.print_layout import PosterSpec

    towns = ("阳明街道", "凤山街道", "梨洲街道", "马渚镇", "泗门镇", "河姆渡镇", "四明山镇", "鹿亭乡")
    for i in range(count):
        code = f"B{i:05d}"
        town = towns[i % len(towns)]
        yield PosterSpec(
            code=code,
            url=f"https://yima.yuyao.gov.cn/p/{code}",
            unit_name=f"余姚市{town}办事处" if i % 3 else "余姚市住房和城乡建设局",
            place_label=f"{town} 第{i % 40 + 1}村 便民服务中心 一楼大厅",
            county_name="余姚市",
        )


def run_job(job: str, count: int, size: str, font: str | None) -> dict:
    """Run one job in this process and return its figures."""
    from qr.print_pdf import write_posters_pdf, write_sticker_sheet_pdf

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{job}.pdf"
        start = time.perf_counter()
        with out.open("wb") as stream:
            if job == "batch":
                result = write_posters_pdf(specs(count), stream, size=size, font_path=font)
            else:
                result = write_sticker_sheet_pdf(specs(count), stream, font_path=font)
        seconds = time.perf_counter() - start
        size_mb = out.stat().st_size / 1e6
    # ru_maxrss is in KiB on Linux.
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "job": job, "posters": result.posters, "pages": result.pages, "seconds": seconds,
        "output_mb": size_mb, "peak_rss_mb": rss_mb, "font_missing": result.font_missing,
    }


def main() -> None:
    """Run every job in a child process and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--size", default="a4", choices=("a4", "a5"))
    parser.add_argument("--font", help="CJK font path (default: $YIMA_CJK_FONT, then system)")
    parser.add_argument("--job", choices=JOBS, help=argparse.SUPPRESS)  # child mode
    args = parser.parse_args()

    if args.job:
        print(json.dumps(run_job(args.job, args.count, args.size, args.font)))
        return

    rows = []
    for job in JOBS:
        cmd = [sys.executable, __file__, "--job", job, "--count", str(args.count)]
        cmd += ["--size", args.size]
        if args.font:
            cmd += ["--font", args.font]
        child = subprocess.run(cmd, check=True, capture_output=True, text=True, env=os.environ)
        rows.append(json.loads(child.stdout.strip().splitlines()[-1]))

    row = "{:<10}{:>8}{:>7}{:>9}{:>11}{:>13}"
    print(row.format("job", "posters", "pages", "seconds", "output MB", "peak RSS MB"))
    for r in rows:
        print(row.format(
            r["job"], r["posters"], r["pages"], f"{r['seconds']:.2f}",
            f"{r['output_mb']:.2f}", f"{r['peak_rss_mb']:.1f}",
        ))
    if any(r["font_missing"] for r in rows):
        print("warning: no CJK font found, Chinese text was left out")


if __name__ == "__main__":
    main()
