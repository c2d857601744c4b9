/**
 * The new-assignment chime under Chrome's autoplay policy. Headless Chromium lets any page play
 * sound, so the page gets an AudioContext that behaves like desktop Chrome's: made before the
 * person clicked or typed in the page, it starts suspended and resume() stays pending; once they
 * have (sticky user activation), it starts and runs. It records the tones scheduled on it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../server/store/types.js';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { api, handOff, newAgent, type Api } from '../server/console/fixtures.js';
import { launch } from './browser.js';

interface AudioLog {
  contexts: number;
  resumes: number;
  tones: number;
}

/** Runs in the page before its scripts: the policy-bound AudioContext. */
function policyBoundAudio(): void {
  const log: AudioLog = { contexts: 0, resumes: 0, tones: 0 };
  (window as unknown as { audioLog: AudioLog }).audioLog = log;
  // The page's sticky user activation, from real input only: Playwright's page.evaluate() would
  // count as a gesture for navigator.userActivation, and the test reads the log through it.
  let active = false;
  const activate = (e: Event) => e.isTrusted && (active = true);
  for (const type of ['pointerdown', 'keydown']) window.addEventListener(type, activate, true);
  const activated = () => active;
  class PolicyBoundAudioContext extends EventTarget {
    state: AudioContextState;
    currentTime = 0;
    destination = {};
    private waiting: (() => void)[] = [];
    constructor() {
      super();
      log.contexts++;
      this.state = activated() ? 'running' : 'suspended';
    }
    resume(): Promise<void> {
      log.resumes++;
      if (!activated()) return new Promise((resolve) => this.waiting.push(resolve)); // pending, as Chrome does
      if (this.state !== 'running') {
        this.state = 'running';
        this.dispatchEvent(new Event('statechange'));
      }
      this.waiting.splice(0).forEach((r) => r());
      return Promise.resolve();
    }
    createOscillator() {
      return { frequency: { value: 0 }, connect: (node: unknown) => node, start: () => void log.tones++, stop: () => undefined };
    }
    createGain() {
      return { gain: { setValueAtTime: () => undefined, exponentialRampToValueAtTime: () => undefined }, connect: (node: unknown) => node };
    }
  }
  (window as unknown as { AudioContext: unknown }).AudioContext = PolicyBoundAudioContext;
}

describe('the new-assignment chime', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: Api;
  let adminAgent: Agent;

  beforeAll(async () => {
    server = await startTestServer();
    admin = await api(server);
    adminAgent = (await server.chatbridge.store.findAgentByEmail('admin@test.local'))!;
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** An agent's console, opened with a session cookie: no click or key press on the page yet. */
  async function agentPage(name: string): Promise<{ page: Page; agentId: number; errors: string[]; close(): Promise<void> }> {
    const agent = await newAgent(admin, server, name);
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript(policyBoundAudio);
    const [cookieName, value] = agent.api.cookie.split('=') as [string, string];
    await context.addCookies([{ name: cookieName, value, url: server.url, httpOnly: true, sameSite: 'Lax' }]);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/console`);
    await page.locator('.views [data-view=queue].active').waitFor();
    await waitFor(() => [...server.chatbridge.io.of('/agents').sockets.values()].some((s) => (s.data.agent as Agent | undefined)?.id === agent.id), `${name}'s console socket`);
    return { page, agentId: agent.id, errors, close: () => context.close() };
  }

  /** The admin transfers a fresh hand-off to the agent. */
  async function assign(agentId: number, customerName: string): Promise<void> {
    const { conversationId } = await handOff(server, customerName, 'Где мой заказ?');
    await server.chatbridge.router.transfer(adminAgent, conversationId, { agentId });
  }

  const audio = (page: Page) => page.evaluate(() => ({ ...(window as unknown as { audioLog: AudioLog }).audioLog, state: document.body.dataset.audio ?? null, chimes: document.body.dataset.chimes ?? null }));

  it('stays silent before the first click, without losing the alert, and sounds after it', async () => {
    const { page, agentId, errors, close } = await agentPage('Lena');
    expect(await audio(page)).toEqual({ contexts: 0, resumes: 0, tones: 0, state: null, chimes: null });

    await assign(agentId, 'Тихий Клиент');
    await page.locator('[data-testid=toast]', { hasText: 'New conversation for you: Тихий Клиент' }).waitFor();
    expect(await page.title()).toBe('(1) chatbridge console');
    // The chime made a context, which the browser keeps suspended; it asked to resume, then gave up: nothing counted.
    await expect.poll(() => audio(page)).toMatchObject({ contexts: 1, resumes: 1, state: 'suspended' });
    await page.waitForTimeout(1200);
    expect(await audio(page)).toEqual({ contexts: 1, resumes: 1, tones: 0, state: 'suspended', chimes: null });

    // The first click anywhere resumes that same context.
    await page.click('.list-title');
    await expect.poll(() => audio(page)).toMatchObject({ contexts: 1, state: 'running' });

    await assign(agentId, 'Громкий Клиент');
    await page.locator('[data-testid=toast]', { hasText: 'New conversation for you: Громкий Клиент' }).waitFor();
    await expect.poll(() => audio(page)).toMatchObject({ contexts: 1, tones: 2, state: 'running', chimes: '1' });
    expect(await page.title()).toBe('(2) chatbridge console');
    expect(errors).toEqual([]);
    await close();
  });

  it('makes the context on the first key press when nothing chimed before', async () => {
    const { page, agentId, errors, close } = await agentPage('Mila');
    await page.keyboard.press('x');
    await expect.poll(() => audio(page)).toEqual({ contexts: 1, resumes: 0, tones: 0, state: 'running', chimes: null });
    // Later gestures leave it alone.
    await page.click('.list-title');
    expect(await audio(page)).toMatchObject({ contexts: 1, resumes: 0 });

    await assign(agentId, 'Первый Клиент');
    await expect.poll(() => audio(page)).toMatchObject({ contexts: 1, tones: 2, chimes: '1' });
    expect(errors).toEqual([]);
    await close();
  });
});
