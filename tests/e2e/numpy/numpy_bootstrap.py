"""An independent bootstrap with numpy, for src/compare/numpy_bootstrap_test.ts.

Reads a JSON file: per run its raw requests and the resample indices the TypeScript code drew;
computes every compared statistic of every resample with numpy (np.mean, np.percentile with the
default linear method), the differences B* - A*, and their percentiles; prints them as JSON.
"""
import json
import sys

import numpy as np

PERCENTILES = [50, 90, 99]


def metric_values(requests, metric):
    """Per request: its values of the metric (successful requests only), as summarize takes them."""
    out = []
    for r in requests:
        if not r["success"]:
            out.append([])
        elif metric == "itl_ms":
            out.append([v for v in r["itl_ms"] if v is not None and np.isfinite(v)])
        elif metric == "tpot_ms" and r["completion_tokens"] is not None and r["completion_tokens"] < 2:
            out.append([])
        else:
            v = r[metric]
            out.append([v] if v is not None and np.isfinite(v) else [])
    return out


def rates(run, idx):
    reqs = run["requests"]
    busy = np.array([max(0.0, r["end_ms"] - r["start_ms"]) for r in reqs])
    ok = np.array([1.0 if r["success"] else 0.0 for r in reqs])
    tokens = np.array([r["completion_tokens"] if r["success"] else 0.0 for r in reqs])
    good = np.array([1.0 if r["success"] and r["good"] else 0.0 for r in reqs])
    starts = [r["start_ms"] for r in reqs]
    ends = [r["end_ms"] for r in reqs]
    duration = max(max(starts), max(ends)) - min(starts)
    if run["open_loop"]:
        per_unit = 1000.0 / duration
    else:
        per_unit = 1000.0 * (busy.sum() / duration) / busy[idx].sum()
    return {
        "request_throughput": ok[idx].sum() * per_unit,
        "output_throughput": tokens[idx].sum() * per_unit,
        "goodput": good[idx].sum() * per_unit,
    }


def statistics(run, idx, metrics):
    out = {}
    for metric in metrics:
        per_request = metric_values(run["requests"], metric)
        values = np.array([v for i in idx for v in per_request[i]], dtype=np.float64)
        out[(metric, "mean")] = np.mean(values)
        for p in PERCENTILES:
            out[(metric, f"p{p}")] = np.percentile(values, p)
    for name, value in rates(run, idx).items():
        out[(name, "value")] = value
    return out


def main():
    data = json.load(open(sys.argv[1]))
    metrics = data["metrics"]
    keys = None
    diffs = {}
    for idx_a, idx_b in zip(data["a"]["indices"], data["b"]["indices"]):
        sa = statistics(data["a"], np.array(idx_a), metrics)
        sb = statistics(data["b"], np.array(idx_b), metrics)
        keys = list(sa)
        for key in keys:
            diffs.setdefault(key, []).append(sb[key] - sa[key])
    low, high = data["interval_percentiles"]
    result = [
        {
            "metric": metric,
            "statistic": statistic,
            "ci_low": float(np.percentile(np.array(diffs[(metric, statistic)]), low)),
            "ci_high": float(np.percentile(np.array(diffs[(metric, statistic)]), high)),
        }
        for metric, statistic in keys
    ]
    print(json.dumps({"numpy": np.__version__, "rows": result}))


main()
