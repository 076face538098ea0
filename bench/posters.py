"""Benchmark the print shop's big jobs: a 1,000-poster batch PDF and a 1,000-label sticker run.

Not a test. Each job runs in a fresh Python process so its peak RSS is its own. Usage:

    python bench/posters.py [--count 1000] [--size a4] [--font PATH] [--repeat 3] [--heap]

Columns: wall and CPU seconds of the job (CPU from time.process_time, which other engineers'
load on a shared machine does not inflate; with --repeat, the best and the median of the runs),
the output size, the process's peak RSS (ru_maxrss, imports and font included), and with
--heap the peak of Python allocations during the job (tracemalloc, in one more run, since
tracing slows the job down).

Target (issue 14): 1,000 A4 posters in at most 5 s and 100 MB peak memory.
"""

from __future__ import annotations

import argparse
import json
import statistics
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
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


def run_job(job: str, count: int, size: str, font: str | None, heap: bool = False) -> dict:
    """Run one job in this process and return its figures."""
    from qr.print_pdf import write_posters_pdf, write_sticker_sheet_pdf

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{job}.pdf"
        if heap:
            tracemalloc.start()
        start, cpu = time.perf_counter(), time.process_time()
        with out.open("wb") as stream:
            if job == "batch":
                result = write_posters_pdf(specs(count), stream, size=size, font_path=font)
            else:
                result = write_sticker_sheet_pdf(specs(count), stream, font_path=font)
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
        heap_mb = tracemalloc.get_traced_memory()[1] / 1e6 if heap else None
        size_mb = out.stat().st_size / 1e6
    # ru_maxrss is in KiB on Linux.
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "job": job, "posters": result.posters, "pages": result.pages, "seconds": seconds,
        "cpu_seconds": cpu_seconds, "output_mb": size_mb, "peak_rss_mb": rss_mb,
        "heap_mb": heap_mb, "font_missing": result.font_missing,
    }


def child(job: str, args: argparse.Namespace, heap: bool = False) -> dict:
    """Run ``job`` in a fresh Python process and return its figures."""
    cmd = [sys.executable, __file__, "--job", job, "--count", str(args.count), "--size", args.size]
    if args.font:
        cmd += ["--font", args.font]
    if heap:
        cmd.append("--heap")
    done = subprocess.run(cmd, check=True, capture_output=True, text=True, env=os.environ)
    return json.loads(done.stdout.strip().splitlines()[-1])


def spread(values: list[float]) -> str:
    """The best and the median of repeated runs ("best/median"), or the one value."""
    if len(values) == 1:
        return f"{values[0]:.2f}"
    return f"{min(values):.2f}/{statistics.median(values):.2f}"


def main() -> None:
    """Run every job in child processes and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--size", default="a4", choices=("a4", "a5"))
    parser.add_argument("--font", help="CJK font path (default: $YIMA_CJK_FONT, then system)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each job (best/median)")
    parser.add_argument("--heap", action="store_true", help="one more run under tracemalloc")
    parser.add_argument("--job", choices=JOBS, help=argparse.SUPPRESS)  # child mode
    args = parser.parse_args()

    if args.job:
        print(json.dumps(run_job(args.job, args.count, args.size, args.font, args.heap)))
        return

    row = "{:<10}{:>8}{:>7}{:>13}{:>13}{:>11}{:>13}{:>14}"
    print(row.format("job", "posters", "pages", "wall s", "CPU s", "output MB", "peak RSS MB",
                     "heap peak MB"))
    missing = False
    for job in JOBS:
        runs = [child(job, args) for _ in range(max(1, args.repeat))]
        heap = f"{child(job, args, heap=True)['heap_mb']:.1f}" if args.heap else "-"
        first = runs[0]
        missing |= first["font_missing"]
        print(row.format(
            job, first["posters"], first["pages"], spread([r["seconds"] for r in runs]),
            spread([r["cpu_seconds"] for r in runs]), f"{first['output_mb']:.2f}",
            f"{max(r['peak_rss_mb'] for r in runs):.1f}", heap,
        ))
    if args.repeat > 1:
        print(f"wall s and CPU s: best/median of {args.repeat} runs; peak RSS: the largest")
    if missing:
        print("warning: no CJK font found, Chinese text was left out")


if __name__ == "__main__":
    main()
