import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { secretBox, serverSecretBox } from './secret-box.js';

describe('secret box', () => {
  it('opens what it sealed, never stores the plain text, and refuses a tampered or foreign value', () => {
    const box = secretBox(randomBytes(32));
    const sealed = box.seal('whsec_top-secret');
    expect(sealed).not.toContain('top-secret');
    expect(box.seal('whsec_top-secret')).not.toBe(sealed);
    expect(box.open(sealed)).toBe('whsec_top-secret');
    const tampered = sealed.slice(0, -4) + (sealed.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(() => box.open(tampered)).toThrow();
    expect(() => secretBox(randomBytes(32)).open(sealed)).toThrow();
  });

  it('derives its key from PULSE_SECRET_KEY, else keeps one in DATA_DIR with mode 0600', () => {
    const fromEnv = serverSecretBox({ secretKey: 'shared by replicas', dataDir: '/nonexistent' });
    expect(serverSecretBox({ secretKey: 'shared by replicas', dataDir: '/elsewhere' }).open(fromEnv.seal('x'))).toBe('x');
    const dataDir = mkdtempSync(path.join(tmpdir(), 'pulse-box-'));
    try {
      const first = serverSecretBox({ secretKey: undefined, dataDir });
      expect(statSync(path.join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
      expect(serverSecretBox({ secretKey: undefined, dataDir }).open(first.seal('kept'))).toBe('kept');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
