/**
 * `npm run bench`: messages per second and p50/p99 latency through the whole loop (webchat
 * intake → store → matcher → bot answer → outbox → visitor), for N concurrent visitors, beside a
 * bare socket.io echo server measured in the same run, so the overhead is a ratio.
 * Options: --visitors N (default 50), --messages M per visitor (default 20), --json.
 * Both servers run as child processes, so clients and server do not share one event loop.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import YAML from 'yaml';
import { isHumanRequest } from '../../server/kb/human-request.js';
import { freePort } from '../helpers/process.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const VISITORS = arg('visitors', 50);
const MESSAGES = arg('messages', 20);
const JSON_OUT = process.argv.includes('--json');

async function startChild(script: string, env: Record<string, string>): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr.on('data', (d: Buffer) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      const m = /running on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`${script} exited ${code}: ${out}`)));
  });
  return { url, stop: () => child.kill('SIGKILL') };
}

function questions(): string[] {
  const entries = YAML.parse(readFileSync('data/kb/shop.yaml', 'utf8')) as { questions: string[] }[];
  // A request for a human hands the conversation off, after which the bot stays quiet.
  return entries.flatMap((e) => e.questions).filter((q) => !isHumanRequest(q));
}

async function runLoad(url: string, texts: string[]): Promise<{ latencies: number[]; seconds: number; errors: number }> {
  const sockets: Socket[] = [];
  await Promise.all(
    Array.from({ length: VISITORS }, async () => {
      const socket = io(`${url}/webchat`, { transports: ['websocket'], reconnection: false, forceNew: true });
      await new Promise((resolve, reject) => {
        socket.once('ready', resolve);
        socket.once('connect_error', reject);
      });
      sockets.push(socket);
    }),
  );
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    sockets.map(async (socket, v) => {
      for (let i = 0; i < MESSAGES; i++) {
        const text = texts[(v * MESSAGES + i) % texts.length]!;
        const t0 = performance.now();
        let timer: NodeJS.Timeout | undefined;
        const reply = new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), 5000);
          socket.once('message', (_m: unknown, ack?: () => void) => {
            ack?.();
            resolve(true);
          });
        });
        const res = (await socket.emitWithAck('message', { clientId: `b${v}-${i}-${Math.random().toString(36).slice(2)}`, text })) as { ok: boolean };
        if (!res.ok) errors++;
        const answered = await reply;
        clearTimeout(timer);
        if (answered) latencies.push(performance.now() - t0);
        else errors++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  for (const s of sockets) s.disconnect();
  return { latencies, seconds, errors };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chatbridge-bench-'));
  const texts = questions();
  const results: Record<string, { messagesPerSecond: number; p50Ms: number; p99Ms: number; errors: number }> = {};
  try {
    for (const [name, script, env] of [
      ['echo', 'tests/bench/echo-server.ts', {}],
      [
        'chatbridge',
        'server/main.ts',
        { DATABASE_PATH: path.join(dir, 'bench.db'), LOG_LEVEL: 'error', WEBCHAT_RATE_LIMIT: '100000', ESCALATE_AFTER_MISSES: '100', ADMIN_PASSWORD: 'bench-password-1' },
      ],
    ] as const) {
      const server = await startChild(script, { PORT: String(await freePort()), ...env });
      try {
        await runLoad(server.url, texts.slice(0, 20)); // warm-up: JIT, prepared statements, matcher caches
        const { latencies, seconds, errors } = await runLoad(server.url, texts);
        latencies.sort((a, b) => a - b);
        results[name] = {
          messagesPerSecond: Math.round(latencies.length / seconds),
          p50Ms: Number(pct(latencies, 50).toFixed(2)),
          p99Ms: Number(pct(latencies, 99).toFixed(2)),
          errors,
        };
      } finally {
        server.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const echo = results.echo!;
  const cb = results.chatbridge!;
  const summary = {
    visitors: VISITORS,
    messagesPerVisitor: MESSAGES,
    echo,
    chatbridge: cb,
    throughputRatio: Number((cb.messagesPerSecond / echo.messagesPerSecond).toFixed(3)),
    p50Ratio: Number((cb.p50Ms / echo.p50Ms).toFixed(2)),
    p99Ratio: Number((cb.p99Ms / echo.p99Ms).toFixed(2)),
  };
  console.log(`bench: ${VISITORS} concurrent visitors x ${MESSAGES} messages (question -> bot answer through the whole loop)`);
  console.log(`  bare socket.io echo: ${echo.messagesPerSecond} msg/s, p50 ${echo.p50Ms} ms, p99 ${echo.p99Ms} ms`);
  console.log(`  chatbridge:          ${cb.messagesPerSecond} msg/s, p50 ${cb.p50Ms} ms, p99 ${cb.p99Ms} ms, errors ${cb.errors}`);
  console.log(`  chatbridge / echo:   throughput x${summary.throughputRatio}, p50 x${summary.p50Ratio}, p99 x${summary.p99Ratio}`);
  if (JSON_OUT) console.log(JSON.stringify(summary));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
