import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Uploaded files travel inside a backup, after the tables: one header line per file, then its
 * bytes as base64 lines. Uploads are written once and never changed in place, so reading them
 * after the tables' snapshot gives every file those rows name (a file uploaded meanwhile comes
 * along unreferenced, which is harmless).
 *
 *   {"@":"file","path":"org/…/asset.png","size":1234,"sha256":"…"}   then {"d":"<base64>"} lines
 */
const CHUNK_BYTES = 48 * 1024;
/** A half-written upload (the storage writes `*.part` and renames once complete). */
const PARTIAL = /\.part$/;

export interface FilesSum {
  count: number;
  bytes: number;
}
interface FileLine {
  '@': 'file';
  path: string;
  size: number;
  sha256: string;
}

function listFiles(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !PARTIAL.test(e.name))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

/** Sends every uploaded file under `root`; answers how many and how many bytes. */
export async function writeUploads(root: string, send: (line: string) => Promise<void> | void) {
  const sum: FilesSum = { count: 0, bytes: 0 };
  for (const rel of listFiles(root)) {
    const data = fs.readFileSync(path.join(root, rel));
    const sha256 = crypto.createHash('sha256').update(data).digest('hex');
    const header: FileLine = { '@': 'file', path: rel.split(path.sep).join('/'), size: data.length, sha256 };
    await send(JSON.stringify(header));
    for (let at = 0; at < data.length; at += CHUNK_BYTES)
      await send(JSON.stringify({ d: data.subarray(at, at + CHUNK_BYTES).toString('base64') }));
    sum.count++;
    sum.bytes += data.length;
  }
  return sum;
}

/**
 * Restores files into a staging folder beside `root`; `commit()` moves it into place once the
 * database transaction has committed, `discard()` removes it when the restore fails. The target
 * folder must hold no file, so a restore never mixes two installations' uploads.
 */
export class UploadsRestore {
  private readonly staging: string;
  private current: { line: FileLine; fd: number; hash: crypto.Hash; size: number } | undefined;
  readonly sum: FilesSum = { count: 0, bytes: 0 };

  constructor(private readonly root: string) {
    if (listFiles(root).length)
      throw new Error(`the uploads folder ${root} already holds files: restore goes into an empty one only`);
    this.staging = `${root}.restoring-${process.pid}`;
    fs.rmSync(this.staging, { recursive: true, force: true });
  }

  private target(rel: string) {
    const full = path.resolve(this.staging, rel);
    if (!full.startsWith(path.resolve(this.staging) + path.sep))
      throw new Error(`the backup names a file outside the uploads folder: ${rel}`);
    return full;
  }

  begin(line: FileLine) {
    this.finishFile();
    const full = this.target(line.path);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    this.current = { line, fd: fs.openSync(full, 'wx'), hash: crypto.createHash('sha256'), size: 0 };
  }

  data(base64: string) {
    if (!this.current) throw new Error('backup has file data before any file');
    const bytes = Buffer.from(base64, 'base64');
    fs.writeSync(this.current.fd, bytes);
    this.current.hash.update(bytes);
    this.current.size += bytes.length;
  }

  /** Closes the file being written and checks it is the one the backup recorded. */
  finishFile() {
    const file = this.current;
    if (!file) return;
    this.current = undefined;
    fs.fsyncSync(file.fd);
    fs.closeSync(file.fd);
    const sha256 = file.hash.digest('hex');
    if (file.size !== file.line.size || sha256 !== file.line.sha256)
      throw new Error(
        `file ${file.line.path} restored as ${file.size} bytes, the backup has ${file.line.size}`,
      );
    this.sum.count++;
    this.sum.bytes += file.size;
  }

  /** Checks the count the backup's end line recorded. */
  check(want: FilesSum | undefined) {
    this.finishFile();
    const expected = want ?? { count: 0, bytes: 0 };
    if (expected.count !== this.sum.count || expected.bytes !== this.sum.bytes)
      throw new Error(
        `restored ${this.sum.count} uploaded files (${this.sum.bytes} bytes), ` +
          `the backup has ${expected.count} (${expected.bytes} bytes): nothing was restored`,
      );
  }

  commit() {
    if (!fs.existsSync(this.staging)) return;
    fs.rmSync(this.root, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(this.root), { recursive: true });
    fs.renameSync(this.staging, this.root);
  }

  discard() {
    if (this.current) fs.closeSync(this.current.fd);
    this.current = undefined;
    fs.rmSync(this.staging, { recursive: true, force: true });
  }
}

export const isFileLine = (control: { '@': string }): control is FileLine => control['@'] === 'file';
