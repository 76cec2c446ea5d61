/**
 * HSM-path throughput: the same SoftHSM2 token driven through TokenBridge (child
 * process, batched requests) and by raw pkcs11js in this process, in the same run.
 * Reports ops/s for AES-GCM 32 B encrypt, RSA-2048 sign, ECDSA P-256 sign and 32
 * random bytes.
 *
 * raw        pkcs11js in-process on one logged-in session, calls back to back (the
 *            handle found once, one output buffer reused).
 * pipelined  what a KMS caller under load gets: `inFlight` callers each awaiting its
 *            own request and issuing the next (a server with many clients). The ratio
 *            pipelined/raw is the one held against the 0.8 target.
 * sequential one caller, one request at a time: the bridge's round-trip latency.
 * Each figure is the median of `rounds` interleaved rounds (raw, pipelined,
 * sequential), so load from other work on the machine hits all three alike.
 * bench/run.ts calls main(); running this file directly prints the table too.
 */import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pkcs11js from 'pkcs11js';
import { TokenBridge } from '../core/pkcs11/bridge.ts';

export interface HsmBenchRow {
  name: string;
  /** Pipelined: `inFlight` callers at once. */
  bridgeOpsPerSec: number;
  /** One caller awaiting each request before the next. */
  bridgeSequentialOpsPerSec: number;
  rawOpsPerSec: number;
  /** Median over rounds of pipelined/raw: the figure held against the 0.8 target. */
  ratio: number;
  /** Median over rounds of sequential/raw. */
  sequentialRatio: number;
}

export interface HsmBenchOptions {
  /** Wall-clock budget per measurement, after a warm-up. */
  durationMs?: number;
  /** Requests kept in flight through the bridge for the pipelined figure. */
  inFlight?: number;
  /** Interleaved rounds; medians are reported. */
  rounds?: number;
  modulePath?: string;
}

const PIN = '1234';
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

function findModule(): string {
  for (const p of ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so', '/usr/lib64/pkcs11/libsofthsm2.so']) {
    if (existsSync(p)) return p;
  }
  throw new Error('libsofthsm2.so not found');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function rawRate(op: () => void, durationMs: number): number {
  for (let i = 0; i < 20; i++) op();
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < durationMs) {
    for (let i = 0; i < 16; i++) op();
    n += 16;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

async function bridgeRate(op: () => Promise<unknown>, durationMs: number, inFlight: number): Promise<number> {
  await Promise.all(Array.from({ length: 20 }, op));
  let n = 0;
  const start = performance.now();
  let stop = false;
  const lane = async (): Promise<void> => {
    while (!stop) {
      await op();
      n++;
      if (performance.now() - start >= durationMs) stop = true;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return (n * 1000) / (performance.now() - start);
}

export async function benchHsm(opts: HsmBenchOptions = {}): Promise<HsmBenchRow[]> {
  const durationMs = opts.durationMs ?? 500;
  const inFlight = opts.inFlight ?? 256;
  const rounds = opts.rounds ?? 5;
  const modulePath = opts.modulePath ?? findModule();
  const dir = mkdtempSync(join(tmpdir(), 'kw-bench-hsm-'));
  const tokens = join(dir, 'tokens');
  mkdirSync(tokens);
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  const prevConf = process.env.SOFTHSM2_CONF;
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', 'Bench', '--pin', PIN, '--so-pin', '5678'], { env, stdio: 'ignore' });

  const bridge = new TokenBridge({ modulePath, env });
  const p11 = new pkcs11js.PKCS11();
  try {
    const token = (await bridge.listTokens()).find((t) => t.label === 'Bench');
    if (!token) throw new Error('bench token missing');
    const sel = { serial: token.serial };
    await bridge.login(sel, PIN);
    const aes = await bridge.generateKey(sel, 'AES_256', 'bench-aes');
    const rsa = await bridge.generateKey(sel, 'RSA_2048', 'bench-rsa');
    const ec = await bridge.generateKey(sel, 'EC_P256', 'bench-ec');

    // Raw pkcs11js on the same token, in this process.
    process.env.SOFTHSM2_CONF = conf;
    p11.load(modulePath);
    p11.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
    const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).serialNumber.trim() === token.serial);
    if (!slot) throw new Error('bench token not visible in-process');
    const session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    p11.C_Login(session, pkcs11js.CKU_USER, PIN);
    const find = (cls: number, idHex: string): Buffer => {
      p11.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_CLASS, value: cls }, { type: pkcs11js.CKA_ID, value: Buffer.from(idHex, 'hex') }]);
      const h = p11.C_FindObjects(session, 1)[0];
      p11.C_FindObjectsFinal(session);
      if (!h) throw new Error('bench key missing');
      return h;
    };
    const aesH = find(pkcs11js.CKO_SECRET_KEY, aes.idHex);
    const rsaH = find(pkcs11js.CKO_PRIVATE_KEY, rsa.idHex);
    const ecH = find(pkcs11js.CKO_PRIVATE_KEY, ec.idHex);
    const pt = randomBytes(32);
    const msg = Buffer.from('benchmark message');
    const out = Buffer.alloc(1024);

    const cases: { name: string; raw: () => void; viaBridge: () => Promise<unknown> }[] = [
      {
        name: 'AES-GCM encrypt 32 B',
        raw: () => {
          const parameter = { type: pkcs11js.CK_PARAMS_AES_GCM_v240, iv: randomBytes(12), ivBits: 96, tagBits: 128 };
          p11.C_EncryptInit(session, { mechanism: pkcs11js.CKM_AES_GCM, parameter }, aesH);
          p11.C_Encrypt(session, pt, out);
        },
        viaBridge: () => bridge.aesGcmEncrypt(sel, aes.idHex, pt),
      },
      {
        name: 'RSA-2048 sign (PKCS#1 v1.5, SHA-256)',
        raw: () => {
          const input = Buffer.concat([SHA256_DIGEST_INFO, createHash('sha256').update(msg).digest()]);
          p11.C_SignInit(session, { mechanism: pkcs11js.CKM_RSA_PKCS }, rsaH);
          p11.C_Sign(session, input, out);
        },
        viaBridge: () => bridge.sign(sel, rsa.idHex, 'RSA_PKCS1_SHA_256', { message: msg }),
      },
      {
        name: 'ECDSA P-256 sign (SHA-256)',
        raw: () => {
          p11.C_SignInit(session, { mechanism: pkcs11js.CKM_ECDSA }, ecH);
          p11.C_Sign(session, createHash('sha256').update(msg).digest(), out);
        },
        viaBridge: () => bridge.sign(sel, ec.idHex, 'ECDSA_SHA_256', { message: msg }),
      },
      {
        name: 'random 32 B',
        raw: () => p11.C_GenerateRandom(session, Buffer.alloc(32)),
        viaBridge: () => bridge.generateRandom(sel, 32),
      },
    ];

    const rows: HsmBenchRow[] = [];
    for (const c of cases) {
      const raw: number[] = [];
      const piped: number[] = [];
      const seq: number[] = [];
      for (let r = 0; r < rounds; r++) {
        raw.push(rawRate(c.raw, durationMs));
        piped.push(await bridgeRate(c.viaBridge, durationMs, inFlight));
        seq.push(await bridgeRate(c.viaBridge, durationMs, 1));
      }
      rows.push({
        name: c.name,
        bridgeOpsPerSec: median(piped),
        bridgeSequentialOpsPerSec: median(seq),
        rawOpsPerSec: median(raw),
        ratio: median(piped.map((x, i) => x / (raw[i] as number))),
        sequentialRatio: median(seq.map((x, i) => x / (raw[i] as number))),
      });
    }
    return rows;
  } finally {
    try {
      p11.C_Finalize();
    } catch {
      // not initialised if setup failed early
    }
    if (prevConf === undefined) delete process.env.SOFTHSM2_CONF;
    else process.env.SOFTHSM2_CONF = prevConf;
    await bridge.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatHsmRows(rows: HsmBenchRow[], opts: { inFlight?: number } = {}): string {
  const n = (x: number): string => x.toFixed(0).padStart(8);
  const lines = rows.map(
    (r) => `  ${r.name.padEnd(38)} raw ${n(r.rawOpsPerSec)}   pipelined ${n(r.bridgeOpsPerSec)}  ratio ${r.ratio.toFixed(2)}${r.ratio >= 0.8 ? '' : ' (below 0.8 target)'}   sequential ${n(r.bridgeSequentialOpsPerSec)}  ratio ${r.sequentialRatio.toFixed(2)}`,
  );
  return [
    `HSM path (SoftHSM2), ops/s: raw pkcs11js in-process vs TokenBridge child process, pipelined (${opts.inFlight ?? 256} callers in flight; its ratio is the one held against the 0.8 target) and sequential (1 caller); medians of interleaved rounds`,
    ...lines,
  ].join('\n');
}

/** Called by bench/run.ts (npm run bench): prints the HSM rows. */
export async function main(): Promise<void> {
  console.log(formatHsmRows(await benchHsm()));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchHsm().then((rows) => console.log(formatHsmRows(rows)), (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
