"""Bulk import throughput and memory: rows per second and peak RSS.

Writes CSV files of 2,000 and 10,000 rows, imports each into the PostgreSQL
benchmark database in a fresh process, and reports rows/s and the process's
peak RSS for both: memory that stays flat between the two sizes means the
file is streamed, not loaded whole.  Imported rows are removed afterwards.
"""

import csv
import json
import resource
import subprocess
import sys
import time

from bench.common import OUT, django_setup, median

SIZES = (2_000, 10_000)
REPEAT = 3


def write_csv(rows: int) -> str:
    sys.path.insert(0, ".")
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"import-{rows}.csv"
    if path.exists():
        return str(path)
    fields = ["新材料", "现代农业", "现代能源", "人口健康", "新一代信息网络"]
    provinces = ["江苏", "广东", "四川", "黑龙江", "陕西", "浙江"]
    with path.open("w", encoding="gb18030", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            [
                "项目编号",
                "成果名称",
                "成果简介",
                "成果持有单位",
                "单位类型",
                "成果团队",
                "来源计划",
                "产业领域",
                "技术成熟度",
                "转化方式",
                "拟重点转化区域",
                "意向价格下限（万元）",
                "意向价格上限（万元）",
                "关键词",
            ]
        )
        for i in range(rows):
            writer.writerow(
                [
                    f"BENCH{rows}-{i:06d}",
                    f"第{i}号高性能复合材料制备技术",
                    "本成果突破了关键工艺，形成成套技术，已完成中试验证。" * 3,
                    f"基准测试大学{i % 50}",
                    "高等学校",
                    "基准团队",
                    "国家重点研发计划",
                    fields[i % len(fields)],
                    str(3 + i % 7),
                    "转让、许可",
                    "、".join(provinces[(i + k) % len(provinces)] for k in range(2)),
                    "100",
                    "900",
                    "复合材料、制备",
                ]
            )
    return str(path)


def run_one(path: str) -> dict:
    django_setup("postgresql")
    from accounts.models import Organization
    from achievements.importing import import_achievements
    from achievements.models import Achievement

    prefix = "BENCH"
    Achievement.objects.filter(project_number__startswith=prefix).delete()
    with open(path, "rb") as stream:
        started = time.perf_counter()
        report = import_achievements(file=stream, name=path)
        elapsed = time.perf_counter() - started
    assert report.ok, report.errors[:5]
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    Achievement.objects.filter(project_number__startswith=prefix).delete()
    Organization.objects.filter(name__startswith="基准测试大学").delete()
    return {"rows": report.rows, "seconds": elapsed, "peak_rss_mb": peak_kb / 1024}


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--file":
        print(json.dumps(run_one(sys.argv[2])))
        return 0
    results = {}
    for size in SIZES:
        path = write_csv(size)
        runs = []
        for _ in range(REPEAT):
            proc = subprocess.run(
                [sys.executable, "-m", "bench.import", "--file", path],
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode != 0:
                sys.stderr.write(proc.stderr)
                return proc.returncode
            runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        results[size] = {
            "rows_per_s": median([r["rows"] / r["seconds"] for r in runs]),
            "peak_rss_mb": median([r["peak_rss_mb"] for r in runs]),
        }
        print(
            f"{size:>6} rows (GB18030 CSV, PostgreSQL): "
            f"{results[size]['rows_per_s']:.0f} rows/s (median of {REPEAT}), "
            f"peak RSS {results[size]['peak_rss_mb']:.1f} MB"
        )
    small, large = results[SIZES[0]], results[SIZES[-1]]
    growth = large["peak_rss_mb"] - small["peak_rss_mb"]
    print(f"memory growth from {SIZES[0]} to {SIZES[-1]} rows: {growth:+.1f} MB")
    print(
        json.dumps(
            {
                "bench": "import",
                "rows_per_s": round(large["rows_per_s"]),
                "peak_rss_mb": round(large["peak_rss_mb"], 1),
                "peak_rss_mb_small": round(small["peak_rss_mb"], 1),
                "baseline": f"{SIZES[0]}-row file",
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
