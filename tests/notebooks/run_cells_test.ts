/**
 * Runs every notebook's code cells in order without Jupyter, so the notebooks cannot rot where
 * Jupyter is absent: the cells are joined into one module written next to the notebooks (so
 * `../mod.ts` resolves as in the kernel, whose cwd is notebooks/) and run with `deno run -A`.
 * Top-level await works as in the kernel; cells' last expressions are simply not displayed. The
 * module is type-checked (the kernel does not check), so a renamed option fails here first.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const NOTEBOOKS_DIR = fileURLToPath(new URL("../../notebooks/", import.meta.url));

interface NotebookCell {
  cell_type: string;
  source: string | string[];
}

/** The code cells of a notebook, joined with separators that keep ASI from merging cells. */
export function notebookModule(notebookJson: string): string {
  const notebook = JSON.parse(notebookJson) as { cells: NotebookCell[] };
  return notebook.cells
    .filter((cell) => cell.cell_type === "code")
    .map((cell, i) => {
      const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
      return `// ---- cell ${i} ----\n${source}\n;`;
    })
    .join("\n");
}

const notebooks = [...Deno.readDirSync(NOTEBOOKS_DIR)]
  .filter((entry) => entry.isFile && entry.name.endsWith(".ipynb") && !entry.name.startsWith("."))
  .map((entry) => entry.name)
  .sort();

Deno.test("there are notebooks to run", () => {
  assert.ok(notebooks.length >= 4, `found ${notebooks.join(", ")}`);
});

Deno.test("notebooks are stored with outputs cleared and the Deno kernelspec", async () => {
  for (const name of notebooks) {
    const notebook = JSON.parse(await Deno.readTextFile(join(NOTEBOOKS_DIR, name)));
    assert.deepEqual(
      notebook.metadata.kernelspec,
      { display_name: "Deno", language: "typescript", name: "deno" },
      name,
    );
    for (const cell of notebook.cells) {
      if (cell.cell_type !== "code") continue;
      assert.deepEqual(cell.outputs, [], `${name}: a cell has outputs`);
      assert.equal(cell.execution_count, null, `${name}: a cell has an execution count`);
    }
  }
});

for (const name of notebooks) {
  Deno.test(`notebook ${name} runs top to bottom without error outside Jupyter`, async () => {
    const source = notebookModule(await Deno.readTextFile(join(NOTEBOOKS_DIR, name)));
    assert.ok(source.trim().length > 0, "has code cells");
    const modulePath = join(NOTEBOOKS_DIR, `.run_cells_${name.replace(/\W/g, "_")}.ts`);
    await Deno.writeTextFile(modulePath, source);
    try {
      const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--check", modulePath],
        cwd: NOTEBOOKS_DIR,
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const decoder = new TextDecoder();
      assert.equal(
        code,
        0,
        `${name} failed (exit ${code}):\n${decoder.decode(stderr)}\n--- stdout ---\n${
          decoder.decode(stdout).slice(-2000)
        }`,
      );
    } finally {
      await Deno.remove(modulePath).catch(() => {});
    }
  });
}
