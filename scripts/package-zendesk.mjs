#!/usr/bin/env node
// The Zendesk Support app package (docs/integrations.md "Zendesk: sidebar app"): a zip a
// Zendesk admin uploads as a private app (Admin Center → Apps and integrations → Zendesk
// Support apps → Upload private app), laid out as the App Framework expects
// (https://developer.zendesk.com/documentation/apps/app-developer-guide/manifest/):
//   manifest.json          the app: ticket_sidebar → assets/index.html, frameworkVersion 2.0,
//                          and the settings a team lead fills in (parameters)
//   assets/…               dist/hosts/zendesk: the page, the app (SDK bundled), the widget and
//                          its chunks, two logos
//   translations/en.json   the app's name and description, each parameter's label and help
// `npm run package:zendesk` builds the host page first (build/hosts.mjs zendesk).
//   node scripts/package-zendesk.mjs [--assets dir] [--out file.zip]
//                                    [--author-name …] [--author-email …] [--author-url …]
// `zcli apps:validate` needs a Zendesk account and the network, so the package is checked
// against the manifest's documented rules in tests/scripts/package-zendesk.test.ts instead.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { strToU8, zipSync } from 'fflate';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * The manifest parameters: the settings the adapter reads from `metadata.settings`
 * (src/adapters/hosts/zendesk.ts SETTING_NAMES). None is `secure`: the app reads them in the
 * browser, and Zendesk never hands secure settings to the browser (they are only substituted
 * server-side into `client.request` calls). None is a secret either: the shared secret of
 * `chat-playbook serve` is never a setting; the token URL mints tokens on the team's backend.
 */
export const PARAMETERS = [
  {
    name: 'libraryUrl',
    type: 'url',
    label: 'SOP library URL',
    helpText:
      'HTTPS address of your SOP library JSON or prebuilt index (chat-playbook build-index). It must allow cross-origin requests (Access-Control-Allow-Origin).',
  },
  {
    name: 'thresholds',
    type: 'multiline',
    label: 'Thresholds (JSON)',
    helpText:
      'Optional. SLA thresholds and overrides as JSON, e.g. {"firstResponseS": 30, "maxGapS": 120, "overrides": [{"when": {"tier": "vip"}, "firstResponseS": 15}]}. A wrong value is named in the sidebar and the defaults stay.',
  },
  {
    name: 'tierField',
    type: 'text',
    label: 'Customer tier field',
    helpText:
      'Optional. Where the customer’s tier is read: tag:<prefix> (the first ticket tag with that prefix, e.g. tag:tier_ reads tier_vip as vip), or a ticket field such as priority or organization.name.',
  },
  {
    name: 'serverUrl',
    type: 'url',
    label: 'Chat Playbook server URL',
    helpText:
      'Optional. HTTPS address of your chat-playbook serve, for team-wide settings and shared picks. Needs the token URL too.',
  },
  {
    name: 'tokenUrl',
    type: 'url',
    label: 'Token URL',
    helpText:
      'Optional. HTTPS endpoint on your backend that answers {"token": "…"} with a Chat Playbook token for the signed-in agent. Never put the shared secret here.',
  },
].map((parameter) => ({ ...parameter, required: false, secure: false }));

export const APP_NAME = 'Chat Playbook';

export function manifest({ version, author }) {
  return {
    name: APP_NAME,
    author,
    defaultLocale: 'en',
    private: true,
    location: {
      support: {
        ticket_sidebar: { url: 'assets/index.html', flexible: true },
      },
    },
    version,
    frameworkVersion: '2.0',
    parameters: PARAMETERS.map(({ name, type, required, secure }) => ({
      name,
      type,
      required,
      secure,
    })),
  };
}

export function translations() {
  const parameters = {};
  for (const { name, label, helpText } of PARAMETERS) parameters[name] = { label, helpText };
  return {
    app: {
      name: APP_NAME,
      short_description: 'SLA clocks, the live-chat checklist and SOP replies beside every ticket.',
      long_description:
        'Chat Playbook shows the first-response and waiting clocks of the ticket you have open (from Zendesk’s own timestamps), the live-chat checklist, escalation prompts and SOP suggestions with replies you insert into the editor. It works without a server; connect chat-playbook serve for team-wide settings.',
      installation_instructions:
        'Set the SOP library URL (and optionally thresholds, the tier field, and the server and token URLs), then open a ticket: the app is in the apps panel of the ticket sidebar.',
      parameters,
    },
  };
}

// -------------------------------------------------------------------------------------------
// Logos (assets/logo.png 320×320, assets/logo-small.png 128×128): a plain PNG drawn here, so
// the package needs no image files in the repository.

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A square logo: a teal tile with a white check mark. */
export function logoPng(size) {
  const rows = [];
  const inCheck = (x, y) => {
    const u = x / size;
    const v = y / size;
    const w = 0.06;
    const short = Math.abs(v - (0.52 + (u - 0.28))) < w && u >= 0.26 && u <= 0.44;
    const long = Math.abs(v - (0.7 - (u - 0.44) * 1.15)) < w && u >= 0.42 && u <= 0.76;
    return short || long;
  };
  for (let y = 0; y < size; y += 1) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x += 1) {
      const [r, g, b] = inCheck(x, y) ? [255, 255, 255] : [17, 110, 120];
      row[1 + x * 3] = r;
      row[2 + x * 3] = g;
      row[3 + x * 3] = b;
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// -------------------------------------------------------------------------------------------

function filesUnder(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

/** The zip's entries (path → bytes), in a stable order, with a fixed time (reproducible). */
export function packageFiles({ assets, version, author }) {
  const files = {};
  const add = (path, bytes) => {
    files[path] = [bytes, { mtime: new Date('2020-01-01T00:00:00Z') }];
  };
  add('manifest.json', strToU8(`${JSON.stringify(manifest({ version, author }), null, 2)}\n`));
  for (const file of filesUnder(assets)) {
    add(`assets/${relative(assets, file).split(/[\\/]/).join('/')}`, readFileSync(file));
  }
  add('assets/logo.png', logoPng(320));
  add('assets/logo-small.png', logoPng(128));
  add('translations/en.json', strToU8(`${JSON.stringify(translations(), null, 2)}\n`));
  return files;
}

function option(args, name, fallback) {
  const i = args.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) {
    console.error(`package-zendesk: --${name} needs a value`);
    process.exit(2);
  }
  return value;
}

function main() {
  const args = process.argv.slice(2);
  const assets = resolve(option(args, 'assets', join(ROOT, 'dist/hosts/zendesk')));
  const out = resolve(option(args, 'out', join(ROOT, 'dist/zendesk-app.zip')));
  if (!existsSync(join(assets, 'index.html'))) {
    console.error(
      `package-zendesk: ${assets}/index.html is missing: run \`node build/hosts.mjs zendesk\` (after \`npm run build\`) first`,
    );
    process.exit(1);
  }
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const author = {
    name: option(args, 'author-name', 'Chat Playbook'),
    email: option(args, 'author-email', 'support@example.com'),
  };
  const url = option(args, 'author-url', undefined);
  if (url !== undefined) author.url = url;
  const zip = zipSync(packageFiles({ assets, version, author }), { level: 9 });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, zip);
  console.log(
    `${relative(process.cwd(), out) || out}: ${(zip.length / 1000).toFixed(1)} kB — upload it in Zendesk Admin Center → Apps and integrations → Zendesk Support apps → Upload private app`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) main();
