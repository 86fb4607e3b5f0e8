import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startResendStub, type ResendStub, type ResendStubOptions } from '../stubs/resend-stub.ts';

export interface CrashScene {
  stub: ResendStub;
  dbPath: string;
  /** The server now running; set it on every (re)start so the suite can always kill it. */
  child?: ChildProcess;
  /** Closed before the files go (a reader of the database file). */
  onClose: Array<() => void>;
}

/** A Resend stub and a temporary database file for one crash suite, torn down however it ends. */
export function crashScene(stubOptions: ResendStubOptions = {}): CrashScene {
  const scene = { onClose: [] } as unknown as CrashScene;
  let dir = '';
  beforeAll(async () => {
    scene.stub = await startResendStub(stubOptions);
    dir = mkdtempSync(join(tmpdir(), 'waitline-crash-'));
    scene.dbPath = join(dir, 'waitline.db');
  });
  afterAll(async () => {
    scene.child?.kill('SIGKILL');
    for (const close of scene.onClose) close();
    await scene.stub.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return scene;
}
