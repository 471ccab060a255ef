/**
 * Crash-safe file writes: write a temporary file in the same folder, fsync it, rename it
 * over the target, fsync the folder. POSIX rename(2) is atomic, so a reader (or the agent
 * after a power cut) sees the old content or the new, never a mix; the fsyncs order the
 * data before the name change (ext4 data=ordered does not promise it for a new inode).
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

function fsyncPath(path: string, flags: string): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsync a folder, so the names created, renamed or removed in it are durable. */
export function fsyncDir(dir: string): void {
  fsyncPath(dir, 'r');
}

/** Creates `dir` (mode 0700) and its parents when missing. */
export function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** Replaces `path` with `content` atomically; the file is created with `mode` (default 0600). */
export function writeFileAtomic(path: string, content: string | Uint8Array, mode = 0o600): void {
  const dir = dirname(path);
  ensureDir(dir);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  rmSync(tmp, { force: true }); // a leftover of a crash, never a reader's file
  const fd = openSync(tmp, 'wx', mode);
  try {
    const data = typeof content === 'string' ? Buffer.from(content) : content;
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  fsyncDir(dir);
}
