// `npm run build -w @pulse/sdk`: ESM, CommonJS and declarations in dist/, with tsc alone.
// The trace type is inferred from the server's schema (src/wire.ts imports it as a type); the
// published declarations must not name @pulse/shared or zod, so that one type is written out
// in full here, from the compiler's own view of it.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const entries = [path.join(root, 'src/index.ts')];
const base = {
  target: ts.ScriptTarget.ES2020,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  strict: true,
  skipLibCheck: true,
  types: [],
  rootDir: path.join(root, 'src'),
};

function compile(options) {
  const program = ts.createProgram(entries, { ...base, ...options });
  const result = program.emit(undefined, (fileName, text) => {
    // Only the SDK's own files: never a declaration pulled in from another package.
    if (path.relative(root, fileName).startsWith('..')) return;
    mkdirSync(path.dirname(fileName), { recursive: true });
    writeFileSync(fileName, text);
  });
  // The SDK's own files, checked without Node's types; the shared schema is checked by its own package.
  const problems = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics].filter(
    (d) => !d.file || !path.relative(root, d.file.fileName).startsWith('..'),
  );
  if (problems.length > 0) {
    process.stderr.write(
      ts.formatDiagnosticsWithColorAndContext(problems, {
        getCanonicalFileName: (f) => f,
        getCurrentDirectory: () => root,
        getNewLine: () => '\n',
      }),
    );
    process.exit(1);
  }
  return program;
}

/** The trace type, as the checker sees it with every alias and import resolved. */
function wireTraceText(program) {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(path.join(root, 'src/wire.ts'));
  const alias = source.statements.find((s) => ts.isTypeAliasDeclaration(s) && s.name.text === 'WireTrace');
  const type = checker.getTypeAtLocation(alias.name);
  const flags =
    ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.InTypeAlias | ts.TypeFormatFlags.MultilineObjectLiterals;
  const text = checker.typeToString(type, alias, flags);
  if (/import\(|zod|@pulse\//.test(text)) throw new Error(`WireTrace did not resolve to plain types: ${text}`);
  // One field a line, as a person would write it.
  return text
    .replace(/\{\s*/, '{\n  ')
    .replace(/;\s*(?=\w)/g, ';\n  ')
    .replace(/;\s*\}$/, ';\n}');
}

rmSync(dist, { recursive: true, force: true });
const esm = compile({
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  outDir: path.join(dist, 'esm'),
  declaration: true,
  declarationDir: path.join(dist, 'types'),
});
// CommonJS: the same checked sources, transpiled file by file.
for (const file of esm.getSourceFiles()) {
  const relative = path.relative(path.join(root, 'src'), file.fileName);
  if (relative.startsWith('..') || file.isDeclarationFile) continue;
  const { outputText } = ts.transpileModule(file.text, {
    compilerOptions: { target: base.target, module: ts.ModuleKind.CommonJS },
    fileName: file.fileName,
  });
  const out = path.join(dist, 'cjs', relative.replace(/\.ts$/, '.js'));
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, outputText);
}
writeFileSync(path.join(dist, 'esm/package.json'), '{ "type": "module" }\n');
writeFileSync(path.join(dist, 'cjs/package.json'), '{ "type": "commonjs" }\n');
writeFileSync(
  path.join(dist, 'types/wire.d.ts'),
  `/** The trace as POST /api/v1/traces takes it (docs/API_SPEC.md §2). Generated from the server's schema. */\nexport type WireTrace = ${wireTraceText(esm)};\n`,
);
