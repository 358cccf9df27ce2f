import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Every workspace package declares exactly what its code imports: an undeclared import works
 * only by npm's hoisting luck, and an unused declaration is weight nobody can explain.
 * Packages are found through the root package.json's "workspaces", so a new package is covered
 * without a change here.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

interface Manifest {
  name: string;
  workspaces?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const readManifest = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
const rootManifest = readManifest(root);

/** Declared, yet loaded by name by a tool rather than imported: the tool and the reason. */
const LOADED_BY_TOOLS: Record<string, string> = {
  jsdom: "vitest's `environment: 'jsdom'` (vitest.config.ts)",
};

/** Workspace directories, with the `dir/*` patterns npm accepts expanded. */
function workspaceDirs(): string[] {
  return (rootManifest.workspaces ?? []).flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [path.join(root, pattern)];
    const parent = path.join(root, pattern.slice(0, -2));
    return readdirSync(parent)
      .map((name) => path.join(parent, name))
      .filter((dir) => existsSync(path.join(dir, 'package.json')));
  });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) return [];
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(c|m)?[jt]sx?$/.test(name) ? [full] : [];
  });
}

const IMPORT_PATTERNS = [
  /\b(?:import|export)\s[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]/g,
  // Not `--import 'tsx'` in a spawned command line.
  /(?<![\w'"-])import\s*['"]([^'"\s,]+)['"]/g,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\bimport\.meta\.resolve\(\s*['"]([^'"]+)['"]\s*\)/g,
];
const builtins = new Set(builtinModules);

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`), or undefined. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.includes(':')) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  return builtins.has(name) ? undefined : name;
}

function importsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8');
  const found = new Set<string>();
  for (const pattern of IMPORT_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const name = packageOf(match[1]!);
      if (name) found.add(name);
    }
  }
  return found;
}

/** Tests and tool configs may also use the root's shared toolchain (vitest, fast-check, …). */
const isTestOrConfig = (dir: string, file: string) => {
  const relative = path.relative(dir, file);
  return /(^|\/)test\//.test(relative) || /\.test\.[jt]sx?$/.test(relative) || !relative.includes(path.sep);
};

function peerDependenciesOf(name: string, dir: string): string[] {
  for (const base of [dir, root]) {
    const manifest = path.join(base, 'node_modules', name, 'package.json');
    if (existsSync(manifest)) return Object.keys((JSON.parse(readFileSync(manifest, 'utf8')) as Manifest).peerDependencies ?? {});
  }
  return [];
}

const packages = workspaceDirs().map((dir) => ({ dir, manifest: readManifest(dir) }));

describe('declared dependencies', () => {
  it('covers every workspace of the root package.json', () => {
    expect(packages.map((p) => p.manifest.name)).toEqual(expect.arrayContaining(['@pulse/shared', '@pulse/db', '@pulse/api', '@pulse/web']));
  });

  it.each(packages.map((p) => [p.manifest.name, p] as const))('%s imports only what it declares, and uses all it declares', (_name, { dir, manifest }) => {
    const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})]);
    const toolchain = new Set(Object.keys(rootManifest.devDependencies ?? {}));
    const imported = new Set<string>();
    const undeclared: string[] = [];
    for (const file of sourceFiles(dir)) {
      for (const name of importsOf(file)) {
        if (name === manifest.name) continue;
        imported.add(name);
        if (!declared.has(name) && !(isTestOrConfig(dir, file) && toolchain.has(name))) {
          undeclared.push(`${name} (${path.relative(root, file)})`);
        }
      }
    }
    // A declaration is used when it is imported, is the types of an imported package, is a
    // peer another declared package needs installed, or is loaded by a tool.
    const peers = new Set([...declared].flatMap((name) => peerDependenciesOf(name, dir)));
    const unused = [...declared].filter(
      (name) =>
        !imported.has(name) &&
        !(name.startsWith('@types/') && [...imported].some((i) => `@types/${i.replace(/^@(.*)\//, '$1__')}` === name)) &&
        !peers.has(name) &&
        !(name in LOADED_BY_TOOLS),
    );
    expect({ undeclared, unused }).toEqual({ undeclared: [], unused: [] });
  });

  it('pins every dependency to an exact version', () => {
    for (const { manifest } of [...packages, { manifest: rootManifest }]) {
      for (const [name, version] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
        expect(`${manifest.name} ${name}@${version}`).toMatch(/@\d+\.\d+\.\d+(-[\w.]+)?$/);
      }
    }
  });
});
