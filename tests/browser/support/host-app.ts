// What the helpdesk apps' browser tests share: reading the widget inside the app's frame, and
// the returns reply with its two fill-ins (demo library CS-PR-001, "Return label sent").
import type { Frame, FrameLocator } from 'playwright-core';
import { expect } from 'vitest';

/** Waits until the widget in `frame` shows `selector` (inside its shadow root). */
export async function waitInApp(frame: Frame, selector: string, timeout = 10_000): Promise<void> {
  await frame.waitForFunction(
    (sel) => Boolean(document.querySelector('#playbook')?.shadowRoot?.querySelector(sel)),
    selector,
    { timeout },
  );
}

/** The sopId of the widget's best suggestion for the focused chat, if any. */
export function bestSuggestion(frame: Frame): Promise<string | null | undefined> {
  return frame.evaluate(() =>
    document
      .querySelector('#playbook')
      ?.shadowRoot?.querySelector('[data-cp-suggestion]')
      ?.getAttribute('data-cp-suggestion'),
  );
}

/** Chooses "Return label sent" of CS-PR-001 and completes its two fill-ins by keyboard. */
export async function chooseReturnLabel(
  widget: ReturnType<FrameLocator['locator']>,
): Promise<void> {
  await widget
    .locator('[data-cp-suggestion="CS-PR-001"] [data-cp-reply="r-label-sent"]')
    .first()
    .click();
  const form = widget.locator('[data-cp-fill="r-label-sent"]');
  await form.waitFor();
  await form.locator('input[data-cp-field="rmaNumber"]').pressSequentially('RMA-2047');
  const url = form.locator('input[data-cp-field="returnLabelUrl"]');
  await url.pressSequentially('https://returns.example/RMA-2047');
  await url.press('Enter');
}

/** The reply as the customer will read it: every fill-in completed. */
export function expectFilled(text: string): void {
  expect(text).toMatch(/^All set! Your return number is RMA-2047 /);
  expect(text).toContain('https://returns.example/RMA-2047');
  expect(text).toContain('Please write RMA-2047 on the outside of the parcel');
  expect(text).not.toMatch(/[{}]/);
}
