/**
 * `npm run bench`: runs every part in bench/parts/*.ts in turn (each exports `measure()`, starts its own
 * private redis-server and stops it), merges their results into bench/results.json under the issue's names,
 * and writes bench/results.md with each part's lines: figure, reference, target, met or why not.
 *
 *   npm run bench                 # every part
 *   npm run bench -- answers      # only the parts named: printed, the files are left as they are
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';

interface Part {
  measure(): Promise<{ results: Record<string, unknown>; lines: string[] }>;
}

const dir = new URL('./parts/', import.meta.url);
const only = process.argv.slice(2);
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => basename(f, '.ts'))
  .filter((n) => !only.length || only.includes(n))
  .sort();

const results: Record<string, unknown> = {};
const sections: string[] = [];
const started = Date.now();
for (const name of names) {
  const t0 = Date.now();
  console.error(`bench: ${name} …`);
  try {
    const part = (await import(pathToFileURL(`${dir.pathname}${name}.ts`).href)) as Part;
    const out = await part.measure();
    Object.assign(results, out.results);
    sections.push(`## ${name}\n\n${out.lines.join('\n')}\n\n_${((Date.now() - t0) / 1000).toFixed(0)} s_`);
  } catch (err) {
    // One broken part must not lose the others' figures: it is reported as such.
    console.error(err);
    sections.push(`## ${name}\n\nFAILED: ${String(err)}`);
  }
}
const seconds = (Date.now() - started) / 1000;

const md = `# Benchmarks

Produced by \`npm run bench\` (bench/index.ts) on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC:
${cpus().length} cores (${cpus()[0].model}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; each part on its own private
redis-server on loopback. The whole run took ${seconds.toFixed(0)} s. Figures are also in [results.json](results.json).

${sections.join('\n\n')}
`;
console.log(md);
console.log(JSON.stringify(results, null, 2));
if (!only.length) {
  writeFileSync('bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync('bench/results.md', md);
}
