"""What tests/outside/notebook.ipynb must display, checked on each executed copy by
tests/notebooks/execute.py --check. A code cell whose first line is `// shows: KIND` must have
exactly one execute_result, with the MIME bundle of that kind:

- run: a run's HTML summary (what collect() returns), after collect's live progress display,
  updated in place to its final state (all requests done);
- derived table: an HTML table of a table made by an arquero verb (table.select(...));
- summary: the summary's HTML view;
- comparison: a summary of two runs, side by side (one column per run, the change in %) first;
- chart: Vega-Lite 5 spec, SVG, PNG and a text description, and nothing else.
"""

import base64
import re

VEGA_LITE = "application/vnd.vegalite.v5+json"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def text(value):
    return "".join(value) if isinstance(value, list) else value


def run_problems(data):
    html = text(data.get("text/html", ""))
    plain = text(data.get("text/plain", ""))
    problems = []
    if 'class="vllm-metrics-run"' not in html or "vllm-metrics-summary" not in html:
        problems.append("text/html is not the run view")
    if not re.match(r"run +mine \(", plain):
        problems.append(f"text/plain does not start with the run facts: {plain[:60]!r}")
    return problems


def table_problems(data):
    html = text(data.get("text/html", ""))
    plain = text(data.get("text/plain", ""))
    problems = []
    if not html.startswith('<table class="vllm-metrics-table">'):
        problems.append(f"text/html is not the table view: {html[:60]!r}")
    heads = re.findall(r"<th[^>]*>([^<]*)</th>", html)
    if heads != ["index", "ttft_ms", "tpot_ms", "e2e_ms", "server_queue_ms"]:
        problems.append(f"table columns are {heads}")
    if "ColumnTable" in plain or "12 rows × 5 columns" not in plain:
        problems.append(f"text/plain is not the aligned table: {plain[-60:]!r}")
    return problems


def summary_problems(data):
    html = text(data.get("text/html", ""))
    plain = text(data.get("text/plain", ""))
    problems = []
    if "vllm-metrics-summary" not in html or "ttft_ms" not in html:
        problems.append("text/html is not the summary view")
    if not plain.startswith("label=mine"):
        problems.append(f"text/plain is not grouped by label: {plain[:60]!r}")
    if "goodput" not in plain:
        problems.append("the summary shows no goodput (slo with short names ignored?)")
    return problems


def chart_problems(data):
    problems = []
    keys = sorted(data)
    if keys != sorted([VEGA_LITE, "image/svg+xml", "image/png", "text/plain"]):
        problems.append(f"chart bundle has {keys}")
        return problems
    if data[VEGA_LITE].get("$schema") != "https://vega.github.io/schema/vega-lite/v5.json":
        problems.append("the Vega-Lite spec has no v5 $schema")
    if not text(data["image/svg+xml"]).startswith("<svg "):
        problems.append("image/svg+xml is not an SVG document")
    if not base64.b64decode(text(data["image/png"])).startswith(PNG_SIGNATURE):
        problems.append("image/png is not a base64 PNG")
    if not text(data["text/plain"]).startswith("Vega-Lite chart: "):
        problems.append("text/plain does not describe the chart")
    return problems


def is_progress(output):
    return output.get("output_type") == "display_data" and "vllm-metrics-progress" in text(
        output.get("data", {}).get("text/html", "")
    )


def progress_problems(index, progress):
    if len(progress) != 1:
        return [f"cell {index} (run): {len(progress)} progress displays, expected 1"]
    plain = text(progress[0]["data"].get("text/plain", ""))
    if not plain.startswith("12/12 done, 0 failed, 0 in flight"):
        return [f"cell {index} (run): progress display not in its final state: {plain!r}"]
    if "<svg" not in text(progress[0]["data"]["text/html"]):
        return [f"cell {index} (run): progress display has no TTFT histogram"]
    return []


def comparison_problems(data):
    html = text(data.get("text/html", ""))
    problems = []
    if not html.startswith('<h4>side by side</h4><table class="vllm-metrics-side-by-side">'):
        problems.append(f"text/html does not start with the side-by-side view: {html[:80]!r}")
    heads = re.findall(r"<th[^>]*>([^<]*)</th>", html.split("</table>")[0])
    if heads != ["quantity", "mine", "serial", "Δ% serial"]:
        problems.append(f"side-by-side columns are {heads}")
    if not re.search(r"<td>ttft_ms p50</td>(<td[^>]*>[^<]+</td>){3}", html):
        problems.append("no ttft_ms p50 row with both values and the change")
    return problems


CHECKS = {
    "comparison": comparison_problems,
    "run": run_problems,
    "derived table": table_problems,
    "summary": summary_problems,
    "chart": chart_problems,
}


def check(nb):
    """Problems with what the executed notebook displayed (empty list = as expected)."""
    problems = []
    seen = {kind: 0 for kind in CHECKS}
    for index, cell in enumerate(nb.cells):
        source = text(cell.source)
        marker = re.match(r"// shows: (.+)\n", source)
        if cell.cell_type != "code" or not marker:
            continue
        kind = marker.group(1).strip()
        seen[kind] += 1
        results = [o for o in cell.outputs if o.get("output_type") == "execute_result"]
        progress = [o for o in cell.outputs if is_progress(o)]
        others = [
            o.get("output_type")
            for o in cell.outputs
            if o.get("output_type") != "execute_result" and not is_progress(o)
        ]
        if kind == "run":
            problems += progress_problems(index, progress)
        if len(results) != 1 or others:
            problems.append(f"cell {index} ({kind}): outputs {[o.get('output_type') for o in cell.outputs]}")
            continue
        problems += [f"cell {index} ({kind}): {p}" for p in CHECKS[kind](results[0].get("data", {}))]
    for kind, count in seen.items():
        if count == 0:
            problems.append(f"no cell shows a {kind}")
    if seen["chart"] < 2:
        problems.append("fewer than two charts")
    return problems
