import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

// Test wheels written by hand: a `.whl` is a zip with the package's files and a `<name>-<version>.dist-info`
// folder (METADATA, WHEEL, RECORD). pip installs them offline from a folder (`--find-links`).

/** A zip archive of `files` (path → content), stored uncompressed: enough for pip, no library needed. */
export function zip(files: Record<string, string | Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [path, content] of Object.entries(files)) {
    const name = Buffer.from(path);
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); // local file header signature
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18); // compressed size (stored)
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); // central directory signature
    central.writeUInt16LE(20, 4); // made by
    central.writeUInt16LE(20, 6); // version needed
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); // end of central directory
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const recordHash = (data: Buffer) => `sha256=${createHash('sha256').update(data).digest('base64url')}`;

/**
 * Writes `<dir>/<name>-<version>-py3-none-any.whl`: a pure-Python wheel with one module `<name>` (dashes as
 * underscores) whose `VERSION` is the version. Returns the wheel's path.
 */
export function writeWheel(dir: string, name: string, version: string): string {
  const module = name.replace(/-/g, '_');
  const info = `${module}-${version}.dist-info`;
  const files: Record<string, Buffer> = {
    [`${module}/__init__.py`]: Buffer.from(`VERSION = ${JSON.stringify(version)}\n`),
    [`${info}/METADATA`]: Buffer.from(`Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`),
    [`${info}/WHEEL`]: Buffer.from(
      'Wheel-Version: 1.0\nGenerator: podpilot-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n',
    ),
  };
  const record = Object.entries(files)
    .map(([path, data]) => `${path},${recordHash(data)},${data.length}`)
    .concat(`${info}/RECORD,,`)
    .join('\n');
  files[`${info}/RECORD`] = Buffer.from(`${record}\n`);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${module}-${version}-py3-none-any.whl`);
  writeFileSync(path, zip(files));
  return path;
}
