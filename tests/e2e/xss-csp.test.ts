// Issue #13 "Prove it", the attacks: an XSS corpus in every field a host, a customer, a library
// or a configuration can fill, rendered in real Chromium through every view an agent or a
// supervisor opens; and the widget under a strict CSP that also requires Trusted Types.
//
// The corpus page has NO Content-Security-Policy on purpose: a payload that reached the DOM as
// markup would run there (the canaries prove it does), so "nothing ran" means nothing was
// injected, not that a policy blocked it. Each payload calls cpXss(n) if it runs; a monitor
// (support/attacks-page.ts) watches the widget's shadow root from its first node on.
//
// Trusted Types: the widget loads its search and socket chunks (a Worker and a <script>), both
// sinks that need a TrustedScriptURL. It makes them with its own policy, `chat-playbook`, so a
// host that requires Trusted Types lists it: `trusted-types chat-playbook`. Under
// `trusted-types 'none'` the chunks cannot load: the widget still shows its chats, clocks and
// checklist, and reports search as unavailable (the last test documents exactly that).
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { firstNameOf, normalizeForMatch } from '../../src/core/detect.ts';
import { fillTemplate } from '../../src/search/placeholders.ts';
import type { Sop } from '../../src/search/types.ts';
import { type RunningServer, startServer as startPlaybookServer } from '../../src/server/index.ts';
import {
  assertBuilt,
  describeBrowser,
  html,
  launch,
  RECORDER,
  STUB,
} from '../browser/support/browser.ts';
import { CHATS, sendTimed } from '../browser/support/chats.ts';
import { BUNDLE, type LogEntry, log } from '../browser/support/pages.ts';
import { startServer, type TestServer } from '../browser/support/server.ts';
import {
  AGENT_ID,
  AGENT_NAME,
  type CorpusChat,
  corpusChats,
  corpusChecklist,
  corpusConfigure,
  corpusEvents,
  corpusLibrary,
  corpusThresholds,
  fits,
  HOST_ID,
  markdownSource,
  PAYLOADS,
  type Payload,
  sopById,
} from './support/attacks-corpus.ts';
import {
  cp,
  escapeHtml,
  type MonitorHelpers,
  monitored,
  type PolicyWatch,
  watchPolicy,
} from './support/attacks-page.ts';

const TT_POLICY = 'chat-playbook';
const TRUSTED_TYPES = `require-trusted-types-for 'script'; trusted-types ${TT_POLICY}`;

const figures = {
  xss: {
    payloads: PAYLOADS.length,
    fields: 0,
    payloadFieldPairs: 0,
    literalChecks: 0,
    elementsChecked: 0,
    payloadsRun: 0,
    unsafeNodes: 0,
  },
  csp: {
    trustedTypesPolicy: TT_POLICY,
    violationsLocal: -1,
    violationsSocket: -1,
    violationsWithPolicyNone: [] as string[],
  },
};

interface PageState {
  w: PolicyWatch;
  page: Page;
}

/** A helpdesk page: two canaries (light DOM, shadow root) and the widget's host element. */
function hostPage(name: string): string {
  return html({
    body: `<main id="helpdesk"><h1>Helpdesk</h1><div id="canary"></div><div id="canary-host" data-monitor="canary"></div></main>
<aside data-monitor="widget" id="${escapeHtml(HOST_ID)}" aria-label="Chat Playbook"></aside>
<script src="/pages/${name}-stub.js"></script>
<script src="/pages/${name}-setup.js"></script>
<script async src="${BUNDLE}"></script>`,
  });
}

const HANDLERS = `${RECORDER}
ChatPlaybook('on', 'ready', __record('ready'));
ChatPlaybook('on', 'error', __record('error'));
ChatPlaybook('on', 'reply', __record('reply'));
var host = document.querySelector('[data-monitor="widget"]');
`;

async function waitReady(page: Page): Promise<LogEntry> {
  await page.waitForFunction(
    () =>
      ((window as unknown as { __log?: LogEntry[] }).__log ?? []).some((e) => e.name === 'ready'),
    undefined,
    { timeout: 15_000 },
  );
  return (await log(page, 'ready'))[0]!;
}

/** The widget's shadow root, inside `page.evaluate` callbacks (defined by MONITOR). */
declare function cpRoot(): ShadowRoot;

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

describeBrowser(
  'attacks: XSS corpus and a strict CSP with Trusted Types',
  { timeout: 120_000 },
  () => {
    let browser: Browser;
    let server: TestServer;
    let context: BrowserContext;

    beforeAll(async () => {
      assertBuilt();
      server = await startServer();
      browser = await launch();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
      console.log('[e2e-figures]', JSON.stringify({ attacks: figures }));
    });

    async function open(name: string, setup: string, options = {}): Promise<PageState> {
      server.add(`${name}-stub.js`, STUB);
      server.add(`${name}-setup.js`, setup);
      const url = server.add(`${name}.html`, hostPage(name), options);
      context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const w = await watchPolicy(context);
      await w.page.goto(url);
      return { w, page: w.page };
    }

    it('reports hostile host options and libraries as text, naming the field', async () => {
      server.add(
        'bad-library.json',
        JSON.stringify({ format: PAYLOADS[0]!.text, sops: [{ id: PAYLOADS[2]!.text }] }),
      );
      const { w, page } = await open('options', HANDLERS, { csp: 'none' });
      try {
        await page.waitForFunction(
          () => (window as { ChatPlaybook?: { loaded?: boolean } }).ChatPlaybook?.loaded === true,
        );
        // Targets: selectors that are markup, an attribute breakout.
        for (const target of [PAYLOADS[0]!.text, `#x${PAYLOADS[2]!.text}`, PAYLOADS[8]!.text]) {
          await cp(page, 'init', { target, transport: 'local' });
        }
        const targetErrors = (await log(page, 'error')).map((e) => e.payload);
        expect(targetErrors).toHaveLength(3);
        for (const e of targetErrors) expect(e).toMatchObject({ command: 'init', field: 'target' });

        const invalidTemplate = {
          format: 'sop-library/1',
          sops: [
            {
              id: 'S-1',
              title: PAYLOADS[1]!.text,
              steps: [],
              replies: [{ id: 'r', title: 't', text: PAYLOADS[9]!.text }],
            },
          ],
        };
        const libraries: Array<{ library: unknown; shows: string[] }> = [
          { library: 'javascript:cpXss(41)', shows: [] },
          // The validator's message quotes the bad value: shown as text.
          {
            library: '/pages/bad-library.json',
            shows: [`(found "${PAYLOADS[0]!.text}")`, `SOP ${PAYLOADS[2]!.text}`],
          },
          { library: invalidTemplate, shows: ["'{{' is not allowed", '"{{constructor.c…"'] },
        ];
        let before = targetErrors.length;
        for (const { library, shows } of libraries) {
          await page.evaluate(
            ({ library, agent }) => {
              const cpf = (window as unknown as { ChatPlaybook: (...a: unknown[]) => void })
                .ChatPlaybook;
              cpf('init', {
                target: document.querySelector('[data-monitor="widget"]'),
                agent,
                library,
                transport: 'local',
              });
            },
            { library, agent: { id: AGENT_ID, name: AGENT_NAME } },
          );
          await page.waitForFunction(
            () =>
              document
                .querySelector('[data-monitor="widget"]')
                ?.shadowRoot?.querySelector('[data-cp-library="error"]') != null,
            undefined,
            { timeout: 10_000 },
          );
          const shown = await page.evaluate(
            () =>
              document
                .querySelector('[data-monitor="widget"]')!
                .shadowRoot!.querySelector('[data-cp-library="error"]')!.textContent ?? '',
          );
          expect(shown).toMatch(/^library: |invalid SOP library|could not|failed/i);
          for (const text of shows) {
            expect(shown).toContain(text);
            figures.xss.literalChecks += 1;
          }
          await expect
            .poll(async () => (await log(page, 'error')).slice(before).map((e) => e.payload.field))
            .toEqual(['library']);
          before += 1;
          await cp(page, 'destroy');
          // `destroy` forgets the host's handlers: subscribe again for the next widget.
          await page.evaluate(() => {
            const w = window as unknown as {
              ChatPlaybook: (...a: unknown[]) => void;
              __record(name: string): unknown;
            };
            w.ChatPlaybook('on', 'error', w.__record('error'));
          });
        }
        const seen = await monitored(page);
        expect(seen.hits).toEqual([]);
        expect(seen.unsafe).toEqual([]);
        expect(w.errors).toEqual([]);
        figures.xss.elementsChecked += seen.checked;
      } finally {
        await context.close();
      }
    });

    it('renders the corpus in every field as text: nothing runs, no markup, shown literally', async () => {
      const { library, sopIds } = corpusLibrary();
      const chats = corpusChats();
      const thresholds = corpusThresholds();
      const configure = corpusConfigure();
      const setup = `${HANDLERS}
// Canaries: markup injected the unsafe way runs on this page, and the monitor sees it.
document.getElementById('canary').innerHTML = '<img src=x onerror=cpXss(0)>';
document.getElementById('canary-host').attachShadow({ mode: 'open' }).innerHTML = '<img src=x onerror=cpXss(-1)>';
ChatPlaybook('init', { target: host, agent: ${JSON.stringify({ id: AGENT_ID, name: AGENT_NAME })},
  role: 'supervisor', library: ${JSON.stringify(library)},
  thresholds: ${JSON.stringify(thresholds)}, transport: 'local' });
ChatPlaybook('configure', ${JSON.stringify(configure)});
var now = Date.now();
ChatPlaybook('events', ${JSON.stringify(corpusEvents(0))}.map(function (e) {
  return Object.assign({}, e, { at: now + e.at });
}));
`;
      countPlacements(library.sops.length);
      const { w, page } = await open('corpus', setup, { csp: 'none' });
      let literal = 0;
      const same = (actual: unknown, expected: unknown, where: string) => {
        expect(actual, where).toEqual(expected);
        literal += 1;
      };
      try {
        expect((await waitReady(page)).payload).toEqual({ library: 'ready' });
        // The canaries ran and were seen: this page would show an injection.
        await expect
          .poll(async () => (await monitored(page)).hits, { timeout: 5000 })
          .toEqual(expect.arrayContaining(['0', '-1']));
        const canary = (await monitored(page)).unsafe;
        expect(canary).toEqual(expect.arrayContaining(['canary: <img>', 'canary: img onerror']));

        const agentShown = await inShadow(
          page,
          () => cpRoot().querySelector('.cp-head .cp-muted')?.textContent ?? null,
        );
        same(agentShown, AGENT_NAME.trim(), 'agent name in the header');

        const checklist = corpusChecklist();
        const escalationTiers = (thresholds.escalation as { tiers: string[] }).tiers;
        for (const chat of chats) {
          const payload = PAYLOADS[chat.n - 1]!;
          const [jsonId, mdId] = sopIds.get(chat.n)!;
          await cp(page, 'focus', chat.chatId);
          await page.waitForFunction(
            ({ chatId, ids }) => {
              const root = document.querySelector('[data-monitor="widget"]')?.shadowRoot;
              if (!root) return false;
              const focused = root.querySelector('[data-cp-focus]')?.getAttribute('data-cp-focus');
              const shown = Array.from(root.querySelectorAll('[data-cp-suggestion]'), (e) =>
                e.getAttribute('data-cp-suggestion'),
              );
              return focused === chatId && ids.every((id) => shown.includes(id));
            },
            { chatId: chat.chatId, ids: [jsonId, mdId] },
            { timeout: 10_000 },
          );

          // The agent's note and QA reason, typed into the widget.
          const note = payload.text.trim();
          await page.locator('#cp-note-text').fill(payload.text);
          await page.getByRole('button', { name: 'Add note', exact: true }).click();
          await byAttr(page, 'data-cp-check', 'qa');
          await page.locator('#cp-qa-reason').fill(payload.text);
          await page.getByRole('button', { name: 'Tag for QA', exact: true }).click();
          if (payload.text.trim().length > 2000) {
            const alert = await inShadow(
              page,
              () => cpRoot().querySelector('#cp-qa-reason-error')?.textContent ?? null,
            );
            expect(alert).toMatch(/^reason: is \d+ characters, more than 2000$/);
            await page.locator('#cp-qa-reason').press('Escape');
          }
          const view = await readView(page, chat.chatId);
          same(view.rowName, chat.name.trim(), 'chat list name');
          same(view.rowTier, chat.tier, 'chat list tier');
          same(view.heading, `${chat.name.trim()} · ${chat.tier}`, 'focused chat heading');
          expect(view.caseLine?.startsWith(`Case ${chat.caseRef} · started `), 'case line').toBe(
            true,
          );
          literal += 1;
          same(
            view.notes.some((text) => text.endsWith(note)),
            true,
            'the note in the notes list',
          );
          if (payload.text.trim().length <= 2000) {
            same(view.qa?.endsWith(`: ${payload.text.trim()}`), true, 'QA reason');
          }
          if (escalationTiers.includes(chat.tier)) {
            same(
              view.escalation.find(([kind]) => kind === 'tier')?.[1],
              capitalise(`${chat.tier} customer`),
              'escalation prompt for the tier',
            );
          }
          expect(view.escalation.map(([kind]) => kind)).toContain('manager');
          if (chat.n === 1) {
            for (const item of checklist) {
              same(
                view.checks.find(([id]) => id === item.id)?.[1]?.endsWith(item.label),
                true,
                `checklist item ${item.id}`,
              );
            }
          }

          // Both forms of the payload's SOP: opened in full, then a reply with its fill-ins typed.
          for (const sopId of [jsonId, mdId]) {
            const sop = sopById(library, sopId);
            await byAttr(page, 'data-cp-suggestion', sopId, 'button.cp-title');
            await page.waitForFunction(
              (id) =>
                document
                  .querySelector('[data-monitor="widget"]')
                  ?.shadowRoot?.querySelector('[data-cp-sop]')
                  ?.getAttribute('data-cp-sop') === id,
              sopId,
            );
            literal += checkDetail(await readView(page, chat.chatId), sop, payload);
            await byAttr(page, 'data-cp-sop-reply', sop.replies[0]!.id);
            await page.waitForFunction(() =>
              Boolean(
                document
                  .querySelector('[data-monitor="widget"]')
                  ?.shadowRoot?.querySelector('[data-cp-fill]'),
              ),
            );
            const fields = await inShadow(page, () =>
              Array.from(cpRoot().querySelectorAll('[data-cp-fill] input'), (e) =>
                e.getAttribute('data-cp-field'),
              ),
            );
            for (const i of fields.keys()) await page.locator(`#cp-fill-${i}`).fill(payload.text);
            // Own properties even for `__proto__` (an assignment would set the prototype).
            const values = Object.fromEntries(fields.map((name) => [name!, payload.text]));
            const expected = fillTemplate(sop.replies[0]!.text, {
              ...values,
              ...chatValues(chat),
            });
            expect(expected.missing).toEqual([]);
            const preview = await inShadow(
              page,
              () => cpRoot().querySelector('[data-cp-fill] .cp-preview')?.textContent ?? null,
            );
            same(preview, expected.text, `reply preview of ${sopId}`);
            const replies = (await log(page, 'reply')).length;
            await page.getByRole('button', { name: 'Insert reply', exact: true }).click();
            await page.waitForFunction(
              (n) =>
                ((window as unknown as { __log: LogEntry[] }).__log ?? []).filter(
                  (e) => e.name === 'reply',
                ).length > n,
              replies,
            );
            const reply = (await log(page, 'reply')).at(-1)!.payload;
            same(
              reply,
              { chatId: chat.chatId, sopId, replyId: sop.replies[0]!.id, text: expected.text },
              'reply handed to the host',
            );
            same(
              (await readView(page, chat.chatId)).notice,
              `Inserted “${sop.replies[0]!.title}”.`,
              'notice after inserting',
            );
          }
          const now = await monitored(page);
          expect(now.scan, `chat ${chat.n}`).toEqual([]);
        }

        // The supervisor's settings: hold phrases and override values from `configure`.
        await page.getByRole('button', { name: 'Team settings', exact: true }).click();
        const settings = await inShadow(page, () => ({
          fields: Object.fromEntries(
            Array.from(cpRoot().querySelectorAll<HTMLInputElement>('[data-cp-field]'), (e) => [
              e.getAttribute('data-cp-field'),
              e.value,
            ]),
          ),
          preview: Array.from(cpRoot().querySelectorAll('li[data-cp-preview]'), (e) => [
            e.getAttribute('data-cp-preview'),
            e.textContent,
          ]),
        }));
        (configure.holdPhrases as string[]).forEach((phrase, i) => {
          same(settings.fields[`holdPhrases[${i}]`], normalizeForMatch(phrase.trim()), 'phrase');
        });
        (configure.overrides as Array<{ when: Record<string, string> }>).forEach((o, i) => {
          for (const [key, value] of Object.entries(o.when)) {
            same(settings.fields[`overrides[${i}].when.${key}`], value, 'override value');
          }
        });
        for (const chat of chats) {
          const row = settings.preview.find(([id]) => id === chat.chatId);
          same(row?.[1]?.startsWith(`${chat.name.trim()}First response`), true, 'preview row');
        }
        // A supervisor types payloads into the draft: a new hold phrase and the comment.
        const phrases = (configure.holdPhrases as string[]).length;
        await page.getByRole('button', { name: 'Add hold phrase', exact: true }).click();
        await page.locator(`[data-cp-field="holdPhrases[${phrases}]"]`).fill(PAYLOADS[2]!.text);
        await page.locator('[data-cp-field="comment"]').fill(PAYLOADS[0]!.text);
        const typed = await inShadow(page, () => [
          cpRoot().querySelector<HTMLInputElement>('[data-cp-field="comment"]')!.value,
          cpRoot().textContent?.includes('Saving needs the server.'),
        ]);
        same(typed, [PAYLOADS[0]!.text, true], 'comment as typed, saving disabled locally');

        const seen = await monitored(page);
        figures.xss.elementsChecked += seen.checked;
        figures.xss.payloadsRun = seen.hits.filter((n) => n !== '0' && n !== '-1').length;
        const unsafe = seen.unsafe.filter((entry) => !entry.startsWith('canary: '));
        figures.xss.unsafeNodes = unsafe.length;
        expect(seen.hits.filter((n) => n !== '0' && n !== '-1')).toEqual([]);
        expect(unsafe).toEqual([]);
        expect(seen.scan).toEqual([]);
        expect(w.errors).toEqual([]);
        // Every field was accepted (nothing refused, so everything above was really rendered).
        expect((await log(page, 'error')).map((e) => e.payload)).toEqual([]);
        figures.xss.literalChecks += literal;
      } finally {
        await context.close();
      }
    });

    it('runs a full chat under a strict CSP requiring Trusted Types, with no violation', async () => {
      const setup = `${HANDLERS}
ChatPlaybook('init', { target: host, agent: { id: 'a-3', name: 'Sam' }, role: 'supervisor',
  library: '/fixtures/library.json', transport: 'local' });
`;
      const { w, page } = await open('csp-local', setup, { extraCsp: TRUSTED_TYPES });
      try {
        expect((await waitReady(page)).payload).toEqual({ library: 'ready' });
        await sendTimed(page, CHATS);
        await cp(page, 'events', corpusEvents(Date.now()).slice(0, 6));
        await cp(page, 'focus', 'c-ok');
        await waitShadow(page, '[data-cp-suggestion] [data-cp-reply]');

        // Search: the agent types, an SOP comes up and is opened, a reply is filled in.
        await page.locator('[data-cp-search]').click();
        await page.keyboard.type('lost parcel never arrived');
        await waitShadow(page, '[data-cp-suggestion="CS-SH-002"]');
        await byAttr(page, 'data-cp-suggestion', 'CS-SH-002', 'button.cp-title');
        await waitShadow(page, '[data-cp-sop="CS-SH-002"] [data-cp-sop-reply="r-reship"]');
        await byAttr(page, 'data-cp-sop-reply', 'r-reship');
        await waitShadow(page, '[data-cp-fill] input');
        const inputs = await inShadow(
          page,
          () => cpRoot().querySelectorAll('[data-cp-fill] input').length,
        );
        for (let i = 0; i < inputs; i++) await page.locator(`#cp-fill-${i}`).fill(`value ${i}`);
        await page.getByRole('button', { name: 'Insert reply', exact: true }).click();
        await expect.poll(async () => (await log(page, 'reply')).length).toBe(1);
        expect((await log(page, 'reply'))[0]!.payload.text).toContain('value 0');

        // A tick, a note, the team settings draft.
        await byAttr(page, 'data-cp-check', 'history');
        await waitShadow(page, '[data-cp-check="history"][aria-checked="true"]');
        await page.locator('#cp-note-text').fill('Customer reshipped <b>today</b>');
        await page.getByRole('button', { name: 'Add note', exact: true }).click();
        await waitShadow(page, '.cp-notes li');
        await page.getByRole('button', { name: 'Team settings', exact: true }).click();
        await page.locator('[data-cp-field="maxGapS"]').fill('150');
        await page.getByRole('button', { name: 'Add hold phrase', exact: true }).click();
        await waitShadow(page, 'li[data-cp-preview]');

        // The search ran in a Worker (no in-page fallback script).
        const chunk = await page.evaluate(() => ({
          loaded: performance
            .getEntriesByType('resource')
            .some((e) => e.name.endsWith('/dist/chat-playbook.search.js')),
          inPage: document.querySelectorAll('script[src*="chat-playbook.search"]').length,
        }));
        expect(chunk).toEqual({ loaded: true, inPage: 0 });

        const violations = await w.violations();
        figures.csp.violationsLocal = violations.length;
        expect(violations).toEqual([]);
        expect(w.errors).toEqual([]);
        expect((await log(page, 'error')).map((e) => e.payload)).toEqual([]);
        // The policy is enforced on this page, and the recorder sees what it blocks.
        expect(await trustedTypesBlockMarkup(page)).toBe(true);
        await expect.poll(async () => (await w.violations()).length).toBeGreaterThan(0);
      } finally {
        await context.close();
      }
    });

    it('saves, lists and reverts team settings over the socket under the same policy', async () => {
      const playbook: RunningServer = await startPlaybookServer({ secret: 'e2e-secret', port: 0 });
      try {
        const origin = new URL(playbook.url).host;
        const boss = `${PAYLOADS[0]!.text} Boss`;
        const token = playbook.token({
          team: 'default',
          role: 'supervisor',
          sub: 's-1',
          name: boss,
        });
        const now = Date.now();
        await playbook.ingest(corpusEvents(now).slice(0, 4));
        const setup = `${HANDLERS}
ChatPlaybook('init', { target: host, agent: { id: 's-1', name: 'Robin' }, role: 'supervisor',
  transport: { url: ${JSON.stringify(playbook.url)}, token: ${JSON.stringify(token)} } });
`;
        const { w, page } = await open('csp-socket', setup, {
          extraCsp: `connect-src 'self' http://${origin} ws://${origin}; ${TRUSTED_TYPES}`,
        });
        try {
          await waitReady(page);
          await waitShadow(page, '[data-cp-chat] [data-cp-clock="firstResponse"]');
          await page.getByRole('button', { name: 'Team settings', exact: true }).click();
          await page.locator('[data-cp-field="maxGapS"]').fill('150');
          const comment = `${PAYLOADS[2]!.text} tighter gaps`;
          await page.locator('[data-cp-field="comment"]').fill(comment);
          await page.getByRole('button', { name: 'Save', exact: true }).click();
          await waitShadow(page, '[data-cp-version="1"]');
          const history = await inShadow(page, () =>
            Array.from(cpRoot().querySelectorAll('[data-cp-version]'), (e) => e.textContent ?? ''),
          );
          expect(history[0]).toContain(`v1 · ${boss} · `);
          expect(history[0]).toContain(` · ${comment}`);
          figures.xss.literalChecks += 2;
          // Two-step revert to the built-in defaults.
          await page.getByRole('button', { name: 'Revert to v0', exact: true }).click();
          await page.getByRole('button', { name: 'Confirm revert to v0', exact: true }).click();
          await waitShadow(page, '[data-cp-version="2"]');
          expect((await playbook.hub.currentConfig('default')).revertOf).toBe(0);

          const loaded = await page.evaluate(() =>
            performance
              .getEntriesByType('resource')
              .some((e) => e.name.endsWith('/dist/chat-playbook.socket.js')),
          );
          expect(loaded).toBe(true);
          const violations = await w.violations();
          figures.csp.violationsSocket = violations.length;
          expect(violations).toEqual([]);
          expect(w.errors).toEqual([]);
          expect((await log(page, 'error')).map((e) => e.payload)).toEqual([]);
          const seen = await monitored(page);
          expect(seen.hits).toEqual([]);
          expect(seen.unsafe).toEqual([]);
        } finally {
          await context.close();
        }
      } finally {
        await playbook.close();
      }
    });

    it("documents `trusted-types 'none'`: no chunk can load, the rest works and says so", async () => {
      const setup = `${HANDLERS}
ChatPlaybook('init', { target: host, agent: { id: 'a-3', name: 'Sam' },
  library: '/fixtures/library.json', transport: 'local' });
`;
      const { w, page } = await open('csp-none', setup, {
        extraCsp: "require-trusted-types-for 'script'; trusted-types 'none'",
      });
      try {
        await waitReady(page);
        await sendTimed(page, CHATS);
        await cp(page, 'focus', 'c-ok');
        await waitShadow(page, '[data-cp-chat="c-breach"] [data-cp-clock="firstResponse"]');
        await waitShadow(page, '[data-cp-check="history"]');
        await expect
          .poll(async () => (await log(page, 'error')).map((e) => e.payload.message))
          .toEqual([
            expect.stringMatching(/^library: could not load the search engine: .*TrustedScriptURL/),
          ]);
        const violations = await w.violations();
        figures.csp.violationsWithPolicyNone = [
          ...new Set(
            violations
              .filter((v) => /^(trusted-types|require-trusted-types-for) /.test(v))
              .map((v) => v.replace(/\|.*$/, '').trim()),
          ),
        ];
        // The one thing missing: the widget's policy (and so the chunk's Worker and script).
        expect(violations).toContain(`trusted-types trusted-types-policy ${TT_POLICY}`);
        expect(
          violations
            .filter((v) => v.startsWith('require-trusted-types-for'))
            .every((v) =>
              /trusted-types-sink (Worker constructor|HTMLScriptElement src)\|http:\/\/127\.0\.0\.1:\d+\/dist\/chat-playboo/.test(
                v,
              ),
            ),
        ).toBe(true);
        expect(w.errors).toEqual([]);
      } finally {
        await context.close();
      }
    });
  },
);

/** The (payload, field) pairs the corpus places, for the figures. */
function countPlacements(sops: number): void {
  let pairs = 0;
  const fields = new Set<string>();
  const place = (field: string, n = 1) => {
    fields.add(field);
    pairs += n;
  };
  for (const p of PAYLOADS) {
    // Chat: id, customer name and id, tier, channel, case reference, message id and text.
    for (const [field, max] of [
      ['chatId', 190],
      ['customer.name', 200],
      ['customer.id', 200],
      ['customer.tier', 100],
      ['channel', 100],
      ['caseRef', 100],
      ['message.id', 190],
    ] as const) {
      if (fits(p, max)) place(field);
    }
    place('message.text');
    // Typed by the agent: note, QA reason, the reply's fill-in fields (JSON and Markdown SOP).
    place('note');
    place('qa reason');
    place('fill-in value', 3);
    // JSON SOP and Markdown SOP fields.
    for (const field of [
      'sop.title',
      'sop.owner',
      'sop.purpose',
      'sop.scope',
      'sop.tags',
      'sop.triggers',
      'step.text',
      'step.role',
      'step.within',
      'escalation.to',
      'escalation.trigger',
      'reply.title',
      'reply.shortcut',
      'reply.text',
      'sop.notes',
    ]) {
      place(`json ${field}`);
    }
    if (fits(p, 90)) place('json sop.id');
    if (fits(p, 100)) place('json sop.version');
    const md = markdownSource(p);
    for (const field of [
      'title',
      'owner',
      'purpose',
      'scope',
      'step',
      'role',
      'within',
      'to',
      'trigger',
      'reply title',
      'reply text',
    ]) {
      if (md.includes(p.text)) place(`markdown ${field}`);
    }
  }
  // Team configuration and host options.
  place('checklist id', corpusChecklist().length);
  place('checklist label', corpusChecklist().length);
  place('escalation tier', (corpusThresholds().escalation as { tiers: string[] }).tiers.length);
  const conf = corpusConfigure();
  place('hold phrase', (conf.holdPhrases as string[]).length);
  place('override tier/channel', (conf.overrides as unknown[]).length);
  place('agent.name');
  place('agent.id');
  place('target element id');
  place('settings draft (phrase, comment)', 2);
  place('token name, save comment', 2);
  place('library URL / library error', 3);
  place('init target selector', 3);
  figures.xss.fields = fields.size;
  figures.xss.payloadFieldPairs = pairs;
  expect(sops).toBe(PAYLOADS.length * 2);
}

function chatValues(chat: CorpusChat): Record<string, string> {
  const values: Record<string, string | null> = {
    'customer.firstName': firstNameOf(chat.name),
    'customer.name': chat.name.trim(),
    'agent.name': AGENT_NAME.trim(),
    'case.ref': chat.caseRef,
  };
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v)) as Record<string, string>;
}

/** What the opened SOP shows, against the loaded SOP; returns the number of checks. */
function checkDetail(view: View, sop: Sop, payload: Payload): number {
  const rendered = payload.markdown ?? payload.text;
  const step = sop.steps[0]!;
  expect(view.detail, sop.id).not.toBeNull();
  const d = view.detail!;
  expect(d.heading).toBe(`${sop.title} ${sop.id}`);
  expect(d.purpose).toBe(rendered);
  expect(d.steps).toEqual([`${rendered} (${step.role}, within ${step.within})`]);
  expect(d.escalate).toBe(
    `Escalate to ${sop.escalation!.to} when: ${sop.escalation!.triggers.join('; ')}`,
  );
  expect(d.replies).toEqual([`Insert “${sop.replies[0]!.title}”`]);
  // The source texts really were the payload (what the Markdown parser read, literally).
  expect(sop.purpose).toBe(payload.text);
  expect(step.text).toBe(payload.text);
  return 5;
}

interface View {
  rowName: string | null;
  rowTier: string | null;
  heading: string | null;
  caseLine: string | null;
  escalation: Array<[string | null, string | null]>;
  checks: Array<[string | null, string | null]>;
  notes: string[];
  qa: string | null;
  notice: string | null;
  detail: {
    heading: string | null;
    purpose: string | null;
    steps: string[];
    escalate: string | null;
    replies: string[];
  } | null;
}

function readView(page: Page, chatId: string): Promise<View> {
  return page.evaluate((id) => {
    const root = document.querySelector('[data-monitor="widget"]')!.shadowRoot!;
    const by = (attr: string, value: string, within: ParentNode = root) =>
      Array.from(within.querySelectorAll(`[${attr}]`)).find(
        (e) => e.getAttribute(attr) === value,
      ) ?? null;
    const text = (el: Element | null | undefined) => el?.textContent ?? null;
    const pairs = (within: ParentNode | null, attr: string) =>
      Array.from(within?.querySelectorAll(`[${attr}]`) ?? [], (e) => [
        e.getAttribute(attr),
        e.textContent,
      ]) as Array<[string | null, string | null]>;
    const row = by('data-cp-chat', id);
    const focus = root.querySelector('[data-cp-focus]');
    const detail = root.querySelector('[data-cp-sop]');
    return {
      rowName: text(row?.querySelector('.cp-name')),
      rowTier: text(row?.querySelector('.cp-tier')),
      heading: text(focus?.querySelector('h2')),
      caseLine: text(focus?.querySelector('h2 + p')),
      escalation: pairs(focus, 'data-cp-trigger'),
      // The focused chat's checklist and notes are folds after its card (one chat's at a time).
      checks: focus ? pairs(root, 'data-cp-check') : [],
      notes: focus
        ? Array.from(root.querySelectorAll('.cp-notes li'), (e) => e.textContent ?? '')
        : [],
      qa: focus ? text(by('data-cp-check', 'qa')) : null,
      notice: text(root.querySelector('[data-cp-notice] span')),
      detail: detail && {
        heading: text(detail.querySelector('h3')),
        // SopDetail: h3, the review line (p.cp-muted), the purpose, the steps, the escalation.
        purpose: text(detail.querySelector(':scope > p.cp-muted + p')),
        steps: Array.from(
          detail.querySelectorAll('ol[aria-label="Steps"] > li'),
          (e) => e.textContent ?? '',
        ),
        escalate: text(detail.querySelector(':scope > ol + p')),
        replies: Array.from(
          detail.querySelectorAll('.cp-replies button'),
          (e) => e.textContent ?? '',
        ),
      },
    };
  }, chatId);
}

/** Evaluates `fn` in the page; it finds the widget with the MONITOR helpers (`cpRoot`). */
function inShadow<T>(page: Page, fn: () => T): Promise<T> {
  return page.evaluate(fn) as Promise<T>;
}

/** Clicks the widget element whose `attr` is exactly `value`, or its `inner` element. */
async function byAttr(page: Page, attr: string, value: string, inner?: string): Promise<void> {
  const found = await page.evaluate(
    ({ attr, value, inner }) => {
      const el = (window as unknown as MonitorHelpers).cpBy(attr, value);
      const target = inner ? el?.querySelector<HTMLElement>(inner) : el;
      target?.click();
      return Boolean(target);
    },
    { attr, value, inner },
  );
  expect(found, `[${attr}="${value}"] ${inner ?? ''}`).toBe(true);
}

async function waitShadow(page: Page, selector: string): Promise<void> {
  await page.waitForFunction(
    (sel) =>
      Boolean(document.querySelector('[data-monitor="widget"]')?.shadowRoot?.querySelector(sel)),
    selector,
    { timeout: 10_000 },
  );
}

/** True when the page refuses a string for innerHTML (Trusted Types enforced). */
function trustedTypesBlockMarkup(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    try {
      document.createElement('div').innerHTML = '<b>x</b>';
      return false;
    } catch {
      return true;
    }
  });
}
