// The audience rule builder: a site owner builds a rule with controls (no JSON typed), the JSON
// it writes is what the engine takes (numbers as numbers), the estimated reach follows the rule
// as it changes, an error the engine finds is shown beside the condition it points at, and the
// builder is operable by keyboard; axe-clean in light and dark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshContext, watchErrors } from '../lib/browser.mjs';
import { call, boot, createWorkspace } from '../lib/harness.mjs';
import { signIn, screenTitle, checkScreen } from '../lib/console.mjs';

test('build an audience with the builder, see its reach change, save it; an engine error sits beside its condition', async () => {
  const ws = await createWorkspace();
  await boot(ws.id, { attributes: { plan: 'pro', seats: 12 } });
  await boot(ws.id, { attributes: { plan: 'pro', seats: 3 } });
  await boot(ws.id, { attributes: { plan: 'free', seats: 40 } });
  const { context, close } = await freshContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signIn(page, ws.key, '#/outbound/new');
    await screenTitle(page).filter({ hasText: 'New outbound message' }).waitFor();
    const reach = page.locator('.reach');
    const json = page.getByLabel('Audience rule (JSON)');
    await reach.filter({ hasText: '3 of 3 visitors match now.' }).waitFor();

    // Keyboard only: from "Show to", pick "Visitors matching rules".
    const who = page.getByRole('combobox', { name: 'Who' });
    await who.focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await who.inputValue(), 'some');
    const prop = page.getByRole('combobox', { name: 'Property (/conditions/0)' });
    await prop.focus();
    await prop.selectOption('custom:');
    // The control the author used keeps focus after the condition is redrawn.
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Property (/conditions/0)');
    await page.keyboard.press('Tab');
    await page.keyboard.type('plan');
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Attribute key (/conditions/0)');
    await page.getByRole('textbox', { name: 'Value (/conditions/0)' }).fill('pro');
    await reach.filter({ hasText: '2 of 3 visitors match now.' }).waitFor();
    assert.deepEqual(JSON.parse(await json.inputValue()), { type: 'group', operator: 'and', conditions: [
      { type: 'condition', property: { source: 'custom', key: 'plan' }, operator: 'equals', value: 'pro' }] });

    // A second condition compared as a number: saved as a number, not the text "10".
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByRole('combobox', { name: 'Property (/conditions/1)' }).selectOption('custom:');
    await page.getByRole('textbox', { name: 'Attribute key (/conditions/1)' }).fill('seats');
    await page.getByRole('combobox', { name: 'Compare as (/conditions/1)' }).selectOption('number');
    await page.getByRole('combobox', { name: 'Comparison (/conditions/1)' }).selectOption('gte');
    await page.getByRole('spinbutton', { name: 'Value (/conditions/1)' }).fill('10');
    await reach.filter({ hasText: '1 of 3 visitors match now.' }).waitFor();
    const rule = JSON.parse(await json.inputValue());
    assert.deepEqual(rule.conditions[1], { type: 'condition', property: { source: 'custom', key: 'seats' }, operator: 'gte', value: 10 });
    // "any of": either condition.
    await page.getByRole('combobox', { name: 'Match (rule)' }).selectOption('or');
    await reach.filter({ hasText: '3 of 3 visitors match now.' }).waitFor();

    // A pattern the engine refuses ((a+)+ repeats a repetition): its error beside that condition.
    await page.getByRole('combobox', { name: 'Comparison (/conditions/0)' }).selectOption('matches');
    await page.getByRole('textbox', { name: 'Value (/conditions/0)' }).fill('(a+)+');
    await reach.filter({ hasText: 'This rule cannot be saved yet' }).waitFor();
    const bad = page.getByRole('combobox', { name: 'Property (/conditions/0)' });
    await page.waitForFunction(() => document.querySelector('[aria-label="Property (/conditions/0)"]')?.getAttribute('aria-invalid') === 'true');
    const described = await bad.getAttribute('aria-describedby');
    assert.match(await page.locator(`[id="${described}"]`).textContent(), /repet|nested|pattern/i);
    await checkScreen(page, 'rule-builder-error');
    await page.getByRole('textbox', { name: 'Value (/conditions/0)' }).fill('^pr');
    await reach.filter({ hasText: '3 of 3 visitors match now.' }).waitFor();
    assert.equal(await bad.getAttribute('aria-invalid'), null, 'the error went with the fix');

    // Remove the second condition; the JSON editor and the builder stay in step both ways.
    await page.getByRole('button', { name: 'Remove (/conditions/1)' }).click();
    await reach.filter({ hasText: '2 of 3 visitors match now.' }).waitFor();
    await json.fill(JSON.stringify({ type: 'condition', property: { source: 'custom', key: 'plan' }, operator: 'equals', value: 'free' }));
    await reach.filter({ hasText: '1 of 3 visitors match now.' }).waitFor();
    assert.equal(await page.getByRole('textbox', { name: 'Value (/conditions/0)' }).inputValue(), 'free');

    await checkScreen(page, 'rule-builder');
    assert.doesNotMatch(await page.locator('#view').innerText(), /^null$/m, 'no stray "null" above the form');
    await page.getByLabel('Name').fill('Free plan banner');
    await page.getByLabel('Body').fill('Upgrade today.');
    await page.getByRole('button', { name: 'Create outbound message' }).click();
    await page.waitForURL(/#\/outbound\/out_/);
    const id = decodeURIComponent(page.url().split('/').pop());
    const saved = await call('GET', `/admin/v1/outbound/${id}`, { token: ws.key });
    assert.deepEqual(saved.body.audience, { type: 'condition', property: { source: 'custom', key: 'plan' }, operator: 'equals', value: 'free' });
    // Reopened, the builder reads the saved rule.
    await page.getByRole('textbox', { name: 'Value (/conditions/0)' }).waitFor();
    assert.equal(await page.getByRole('textbox', { name: 'Attribute key (/conditions/0)' }).inputValue(), 'plan');
    // The refused pattern's 400 is the engine's answer the builder showed; nothing else failed.
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
    assert.equal(errors.length, 1, JSON.stringify(errors));
  } finally {
    await close();
  }
});
