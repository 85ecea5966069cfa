"""Execute every notebook in notebooks/ through the real Deno Jupyter kernel, headless.

Run through tests/notebooks/execute.sh (it installs the kernelspec and picks Debian's python3,
which has jupyter-client and nbformat). Each notebook runs top to bottom in a fresh
kernel with the notebook's folder as the working directory. A notebook passes when no cell
produced an error output, and at least one output is a table (text/html) and one a chart
(application/vnd.vegalite.v5+json). The committed notebooks are not modified; executed copies
are written to --output-dir when given.

Usage: execute.py [--timeout S] [--output-dir DIR] [--strict-late] [--check FILE.py] [NOTEBOOK ...]
"""

import argparse
import os
import queue
import re
import sys
import time
from pathlib import Path

import nbformat
from jupyter_client.manager import start_new_kernel
from nbformat.v4 import output_from_msg

ROOT = Path(__file__).resolve().parents[2]
TABLE_MIME = "text/html"
CHART_MIME = "application/vnd.vegalite.v5+json"


def expected_mime(source):
    """The output a cell must show by the notebooks' conventions: a chart for a cell whose last
    statement is plot.<chart>(...), a table for one whose last statement is showTable(...) or
    summarize(...)."""
    statements = [s for s in re.split(r";\s*\n(?=\S)", source.strip()) if s.strip()]
    last = statements[-1].strip() if statements else ""
    if re.match(r"plot\.\w+\(", last) and not last.endswith(";"):
        return CHART_MIME
    if re.match(r"(showTable|summarize)\(", last):
        return TABLE_MIME
    return None


def output_problems(nb):
    """Error outputs and missing table/chart outputs of an executed notebook, as messages."""
    problems = []
    mimes = set()
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
        cell_mimes = {
            mime
            for output in cell.get("outputs", [])
            for mime in output.get("data", {}).keys()
        }
        expected = expected_mime(source)
        if expected is not None and expected not in cell_mimes:
            problems.append(f"cell {index}: shows no {expected} output")
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "error":
                problems.append(
                    f"cell {index}: {output.get('ename')}: {output.get('evalue')}"
                )
            elif kind in ("display_data", "execute_result"):
                mimes.update(output.get("data", {}).keys())
    if TABLE_MIME not in mimes:
        problems.append(f"no table output ({TABLE_MIME})")
    if CHART_MIME not in mimes:
        problems.append(f"no chart output ({CHART_MIME})")
    return problems


def execute_notebook(nb, cwd, timeout):
    """Runs the code cells of `nb` in order in a fresh Deno kernel, storing outputs in the cells.

    Outputs are matched to cells by the id of the request they answer, and the IOPub channel is
    drained until it has been quiet for a moment after the last cell. nbclient instead stops
    listening for a cell at its "idle" status, and the Deno kernel sometimes publishes a cell's
    result just after that status, so nbclient loses it now and then. Returns the number of such
    late outputs that were kept, described ("cell N kind mimes").
    """
    manager, client = start_new_kernel(
        kernel_name="deno", startup_timeout=120, cwd=str(cwd), env=dict(os.environ)
    )
    cells_by_request = {}
    idle_requests = set()
    late_outputs = []
    displays = {}  # display_id -> outputs shown under it (update_display_data targets)

    def handle(msg):
        parent = msg.get("parent_header", {}).get("msg_id")
        cell = cells_by_request.get(parent)
        kind = msg["header"]["msg_type"]
        if kind == "status":
            if msg["content"].get("execution_state") == "idle":
                idle_requests.add(parent)
            return
        if cell is None:
            return
        display_id = msg["content"].get("transient", {}).get("display_id")
        if kind == "clear_output":
            cell.outputs = []
        elif kind == "update_display_data":
            # As a front end does: the output shown under this display_id is replaced in place.
            for output in displays.get(display_id, []):
                output["data"] = msg["content"]["data"]
                output["metadata"] = msg["content"].get("metadata", {})
        elif kind in ("stream", "display_data", "execute_result", "error"):
            if parent in idle_requests:
                index = nb.cells.index(cell)
                late_outputs.append(f"cell {index} {kind} {','.join(msg['content'].get('data', {}))}")
            output = output_from_msg(msg)
            cell.outputs.append(output)
            if kind == "display_data" and display_id:
                displays.setdefault(display_id, []).append(output)

    try:
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            cell.outputs = []
            request = client.execute(cell.source, store_history=True, allow_stdin=False)
            cells_by_request[request] = cell
            deadline = time.monotonic() + timeout
            reply = None
            while reply is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"a cell ran longer than {timeout} s")
                msg = client.get_shell_msg(timeout=remaining)
                if msg.get("parent_header", {}).get("msg_id") == request:
                    reply = msg
            cell.execution_count = reply["content"].get("execution_count")
            while request not in idle_requests:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no idle status within {timeout} s")
                handle(client.get_iopub_msg(timeout=remaining))
        # Late outputs: keep reading until the channel has been quiet for 2 s.
        while True:
            try:
                handle(client.get_iopub_msg(timeout=2))
            except queue.Empty:
                break
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return late_outputs


LAST_EXECUTED = [None]


def load_check(path):
    """The check(nb) function of a Python file (a notebook's own expectations)."""
    namespace = {"__file__": str(path)}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    return namespace["check"]


def execute(path, timeout, output_dir, strict_late=False):
    """Runs one notebook; returns a list of problems (empty = passed). With strict_late, an output
    that arrived after its cell's idle status (one nbclient/nbconvert would lose) is a problem."""
    nb = nbformat.read(path, as_version=4)
    LAST_EXECUTED[:] = [nb]
    try:
        late = execute_notebook(nb, path.parent, timeout)
        if late and strict_late:
            return [f"after its cell's idle status (nbclient drops it): {text}" for text in late]
        if late:
            print(f"     note: {len(late)} output(s) arrived after their cell's idle status; kept")
    except Exception as error:  # kernel died, timeout, ...
        return [f"execution failed: {type(error).__name__}: {error}"]
    finally:
        if output_dir is not None:
            output_dir.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, str(output_dir / path.name))
    return output_problems(nb)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--timeout", type=int, default=300, help="per cell, seconds")
    parser.add_argument("--output-dir", type=Path, default=None)
    parser.add_argument(
        "--strict-late",
        action="store_true",
        help="fail a notebook when an output arrives after its cell's idle status",
    )
    parser.add_argument(
        "--check",
        type=Path,
        default=None,
        help="a Python file defining check(nb) -> list of problems, run on each executed notebook",
    )
    args = parser.parse_args()
    os.environ["NO_COLOR"] = "1"
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    passed = failed = 0
    for path in paths:
        path = path.resolve()
        started = time.monotonic()
        problems = execute(path, args.timeout, args.output_dir, args.strict_late)
        if not problems and args.check is not None:
            problems = load_check(args.check)(LAST_EXECUTED[0])
        elapsed = time.monotonic() - started
        if problems:
            failed += 1
            print(f"FAIL {path.name} ({elapsed:.1f} s)")
            for problem in problems:
                print(f"     {problem}")
        else:
            passed += 1
            print(f"ok   {path.name} ({elapsed:.1f} s)")
        sys.stdout.flush()
    if not paths:
        print("no notebooks found")
    print(f"notebooks: {passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
