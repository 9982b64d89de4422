// `npm run package:zendesk` (scripts/package-zendesk.mjs): the uploadable Zendesk app zip.
// `zcli apps:validate` needs a Zendesk account and the network, so the package is checked
// here against the manifest's documented rules
// (https://developer.zendesk.com/documentation/apps/app-developer-guide/manifest/) as
// Zendesk's own validator applies them (github.com/zendesk/zendesk_apps_support,
// lib/zendesk_apps_support/validations/{manifest,translations,source,package}.rb,
// manifest/parameter.rb for the parameter types, app_version.rb for the framework versions).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTING_NAMES } from '../../src/adapters/hosts/zendesk.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SCRIPT = join(ROOT, 'scripts/package-zendesk.mjs');
const REAL_ASSETS = join(ROOT, 'dist/hosts/zendesk');

// From zendesk_apps_support: manifest/parameter.rb TYPES, app_version.rb VALID_FOR_CREATE,
// validations/translations.rb VALID_LOCALE, validations/manifest.rb REQUIRED_MANIFEST_FIELDS.
const PARAMETER_TYPES = ['text', 'password', 'checkbox', 'url', 'number', 'multiline', 'hidden'];
const FRAMEWORK_VERSIONS_FOR_CREATE = ['2.0'];
const VALID_LOCALE = /^[a-z]{2}(-\w{2,3})?$/;
const BOOLEAN_FIELDS = [
  'requirementsOnly',
  'marketingOnly',
  'singleInstall',
  'signedUrls',
  'private',
];
/** Support locations a v2 app may use (Apps Support API, "Setting the app location"). */
const SUPPORT_LOCATIONS = [
  'ticket_sidebar',
  'new_ticket_sidebar',
  'ticket_editor',
  'user_sidebar',
  'organization_sidebar',
  'nav_bar',
  'top_bar',
  'background',
  'modal',
];

type Obj = Record<string, unknown>;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'zendesk-package-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Fake host assets (the page and its scripts), so the test does not need a build. */
function fakeAssets(): string {
  const assets = join(dir, 'assets-src');
  mkdirSync(join(assets, 'nested'), { recursive: true });
  writeFileSync(
    join(assets, 'index.html'),
    '<!doctype html><link rel="stylesheet" href="app.css"><script src="stub.js"></script><script src="app.js"></script><script async src="chat-playbook.iife.js"></script>',
  );
  for (const name of ['app.js', 'stub.js', 'chat-playbook.iife.js', 'app.css', 'nested/chunk.js']) {
    writeFileSync(join(assets, name), `/* ${name} */`);
  }
  return assets;
}

function pack(args: string[]): Record<string, Uint8Array> {
  const out = join(dir, `app-${Math.random().toString(36).slice(2)}.zip`);
  execFileSync(process.execPath, [SCRIPT, ...args, '--out', out], { stdio: 'pipe' });
  return unzipSync(readFileSync(out));
}

const json = (files: Record<string, Uint8Array>, path: string): Obj => {
  expect(files[path], `${path} is in the zip`).toBeDefined();
  const value = JSON.parse(strFromU8(files[path]!)) as unknown;
  expect(value !== null && typeof value === 'object' && !Array.isArray(value)).toBe(true);
  return value as Obj;
};

/** Every rule of the validator the package is subject to; returns the problems found. */
function validate(files: Record<string, Uint8Array>): string[] {
  const problems: string[] = [];
  const paths = Object.keys(files);
  for (const path of paths) {
    if (path.startsWith('/') || path.split('/').includes('..'))
      problems.push(`unsafe path ${path}`);
  }
  if (!files['manifest.json']) return ['missing manifest.json at the root'];
  const manifest = json(files, 'manifest.json');
  // Required keys (validations/manifest.rb: author, defaultLocale; location; frameworkVersion).
  for (const key of ['author', 'defaultLocale', 'location', 'frameworkVersion']) {
    if (manifest[key] === undefined) problems.push(`missing ${key}`);
  }
  // Strings and booleans (type_checks).
  for (const key of ['defaultLocale', 'version', 'frameworkVersion']) {
    if (manifest[key] !== undefined && typeof manifest[key] !== 'string')
      problems.push(`${key} not a string`);
  }
  for (const key of BOOLEAN_FIELDS) {
    if (manifest[key] !== undefined && typeof manifest[key] !== 'boolean')
      problems.push(`${key} not a boolean`);
  }
  const author = manifest.author as Obj;
  for (const key of ['name', 'email']) {
    if (typeof author?.[key] !== 'string' || author[key] === '')
      problems.push(`author.${key} missing`);
  }
  if (author?.url !== undefined && !/^https?:\/\//.test(String(author.url)))
    problems.push('author.url');
  if (!FRAMEWORK_VERSIONS_FOR_CREATE.includes(String(manifest.frameworkVersion))) {
    problems.push(`frameworkVersion ${String(manifest.frameworkVersion)} cannot be created`);
  }
  // Default locale and its translation file.
  const locale = String(manifest.defaultLocale);
  if (!VALID_LOCALE.test(locale)) problems.push('invalid defaultLocale');
  if (!files[`translations/${locale}.json`]) problems.push(`missing translations/${locale}.json`);
  // Location: known hosts and locations, relative URLs under assets/ that exist.
  const location = manifest.location as Obj;
  if (!location || Object.keys(location).length === 0) problems.push('empty location');
  for (const [host, locations] of Object.entries(location ?? {})) {
    if (host !== 'support') problems.push(`unknown host ${host}`);
    for (const [name, options] of Object.entries(locations as Obj)) {
      if (!SUPPORT_LOCATIONS.includes(name)) problems.push(`unknown location ${name}`);
      const url = typeof options === 'string' ? options : (options as Obj).url;
      if (typeof url !== 'string' || url === '') problems.push(`${name}: no url`);
      else if (/^[a-z]+:/i.test(url)) {
        if (!url.startsWith('https://')) problems.push(`${name}: url not https`);
      } else if (!url.startsWith('assets/') || !files[url])
        problems.push(`${name}: ${url} not in the package`);
      const flexible = (options as Obj).flexible;
      if (flexible !== undefined && typeof flexible !== 'boolean')
        problems.push(`${name}: flexible`);
    }
  }
  // Parameters (validate_parameters).
  const parameters = manifest.parameters;
  if (parameters !== undefined && !Array.isArray(parameters))
    problems.push('parameters not an array');
  const list = (Array.isArray(parameters) ? parameters : []) as Obj[];
  const names = list.map((p) => p.name);
  if (new Set(names).size !== names.length) problems.push('duplicate parameters');
  for (const p of list) {
    if (typeof p.name !== 'string' || p.name === '') problems.push('parameter without a name');
    if (p.name === 'name') problems.push('a parameter called name');
    const type = p.type ?? 'text';
    if (!PARAMETER_TYPES.includes(String(type)))
      problems.push(`${String(p.name)}: type ${String(type)}`);
    for (const flag of ['required', 'secure']) {
      if (p[flag] !== undefined && typeof p[flag] !== 'boolean')
        problems.push(`${String(p.name)}.${flag}`);
    }
    if (type === 'hidden' && p.required) problems.push(`${String(p.name)}: hidden and required`);
  }
  // Source (validations/source.rb): an iframe-only app carries no root code.
  for (const path of paths) {
    if (
      path === 'app.js' ||
      path === 'app.css' ||
      /^lib\/.*\.js$/.test(path) ||
      /^templates\/.*\.hdbs$/.test(path)
    ) {
      problems.push(`iframe-only app with ${path}`);
    }
  }
  // Translations (validations/translations.rb): JSON objects named by locale; en.json has
  // the listing keys (a private app needs `name`); every parameter has a label and help.
  for (const path of paths.filter((p) => p.startsWith('translations/'))) {
    const match = /^translations\/(.*)\.json$/.exec(path);
    if (!match || !VALID_LOCALE.test(match[1]!)) problems.push(`bad translation file ${path}`);
  }
  const en = json(files, 'translations/en.json').app as Obj;
  for (const key of [
    'name',
    'short_description',
    'long_description',
    'installation_instructions',
  ]) {
    if (typeof en?.[key] !== 'string' || en[key] === '') problems.push(`translations: app.${key}`);
  }
  for (const name of names) {
    const text = (en?.parameters as Obj | undefined)?.[String(name)] as Obj | undefined;
    if (typeof text?.label !== 'string' || typeof text?.helpText !== 'string') {
      problems.push(`translations: app.parameters.${String(name)}.label/helpText`);
    }
  }
  return problems;
}

function pngSize(bytes: Uint8Array): [number, number] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(strFromU8(bytes.subarray(12, 16))).toBe('IHDR');
  return [view.getUint32(16), view.getUint32(20)];
}

describe('package:zendesk', () => {
  it('writes a zip that passes the manifest’s documented rules', () => {
    const files = pack(['--assets', fakeAssets(), '--author-email', 'helpdesk@acme.test']);
    expect(validate(files)).toEqual([]);
    const manifest = json(files, 'manifest.json');
    expect(manifest).toMatchObject({
      name: 'Chat Playbook',
      author: { name: 'Chat Playbook', email: 'helpdesk@acme.test' },
      defaultLocale: 'en',
      private: true,
      location: { support: { ticket_sidebar: { url: 'assets/index.html', flexible: true } } },
      frameworkVersion: '2.0',
    });
    expect(manifest.version).toBe(
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version,
    );
    expect(Object.keys(files).sort()).toEqual(
      [
        'manifest.json',
        'translations/en.json',
        'assets/index.html',
        'assets/app.js',
        'assets/stub.js',
        'assets/app.css',
        'assets/chat-playbook.iife.js',
        'assets/nested/chunk.js',
        'assets/logo.png',
        'assets/logo-small.png',
      ].sort(),
    );
    expect(pngSize(files['assets/logo.png']!)).toEqual([320, 320]);
    expect(pngSize(files['assets/logo-small.png']!)).toEqual([128, 128]);
  });

  it('declares exactly the settings the adapter reads, typed, none secure, none required', () => {
    const files = pack(['--assets', fakeAssets()]);
    const parameters = json(files, 'manifest.json').parameters as Obj[];
    expect(parameters.map((p) => p.name).sort()).toEqual(Object.values(SETTING_NAMES).sort());
    const byName = Object.fromEntries(parameters.map((p) => [p.name, p]));
    expect(byName).toEqual({
      libraryUrl: { name: 'libraryUrl', type: 'url', required: false, secure: false },
      thresholds: { name: 'thresholds', type: 'multiline', required: false, secure: false },
      tierField: { name: 'tierField', type: 'text', required: false, secure: false },
      serverUrl: { name: 'serverUrl', type: 'url', required: false, secure: false },
      tokenUrl: { name: 'tokenUrl', type: 'url', required: false, secure: false },
    });
    const en = json(files, 'translations/en.json').app as Obj;
    expect((en.parameters as Obj).tokenUrl).toMatchObject({ label: 'Token URL' });
    expect(String(((en.parameters as Obj).tokenUrl as Obj).helpText)).toMatch(
      /never put the shared secret/i,
    );
  });

  it('is reproducible: the same inputs give the same bytes', () => {
    const assets = fakeAssets();
    const a = join(dir, 'a.zip');
    const b = join(dir, 'b.zip');
    execFileSync(process.execPath, [SCRIPT, '--assets', assets, '--out', a]);
    execFileSync(process.execPath, [SCRIPT, '--assets', assets, '--out', b]);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
  });

  it('refuses clearly when the host page is not built', () => {
    const result = spawnSync(
      process.execPath,
      [SCRIPT, '--assets', join(dir, 'nowhere'), '--out', join(dir, 'x.zip')],
      {
        encoding: 'utf8',
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/index\.html is missing: run `node build\/hosts\.mjs zendesk`/);
    expect(existsSync(join(dir, 'x.zip'))).toBe(false);
  });

  it.runIf(existsSync(join(REAL_ASSETS, 'index.html')))(
    'packages the built app page with the widget and its chunks',
    () => {
      const files = pack([]);
      expect(validate(files)).toEqual([]);
      for (const name of [
        'index.html',
        'app.js',
        'stub.js',
        'app.css',
        'chat-playbook.iife.js',
        'chat-playbook.search.js',
        'chat-playbook.socket.js',
      ]) {
        expect(files[`assets/${name}`], name).toBeDefined();
      }
      // Everything index.html loads is in the package, beside it.
      const html = strFromU8(files['assets/index.html']!);
      for (const [, ref] of html.matchAll(/(?:src|href)="([^"]+)"/g))
        expect(files[`assets/${ref}`], ref).toBeDefined();
    },
  );
});
