/**
 * A child process of the idle-sockets scenario: opens the customer sockets listed in the JSON file
 * given as its argument and holds them, idle, until told `close` on stdin (or SIGTERM). One process
 * holds at most a few thousand, so no process runs into its open-files limit.
 *
 * Prints `progress <n>` now and then, `connected <n> failed <m>` once every handshake has ended, and
 * `closed` at the end.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { io, type Socket } from 'socket.io-client';

export interface HeldSocket {
  url: string;
  auth: Record<string, string>;
  headers: Record<string, string>;
}

const [file] = process.argv.slice(2);
if (!file) throw new Error('usage: socket-holder.ts <sockets.json>');
const list = JSON.parse(readFileSync(file, 'utf8')) as HeldSocket[];
const sockets: Socket[] = [];
let connectedCount = 0;
let failed = 0;
let firstError = '';
let next = 0;

async function lane(): Promise<void> {
  for (let spec = list[next++]; spec; spec = list[next++]) {
    const socket = io(spec.url, {
      transports: ['websocket'],
      reconnection: false,
      timeout: 60_000,
      auth: spec.auth,
      extraHeaders: spec.headers,
    });
    sockets.push(socket);
    await new Promise<void>((resolve) => {
      socket.once('connect', () => {
        connectedCount += 1;
        if (connectedCount % 500 === 0) console.log(`progress ${connectedCount}`);
        resolve();
      });
      socket.once('connect_error', (error) => {
        failed += 1;
        firstError ||= error.message;
        resolve();
      });
    });
  }
}

const close = () => {
  for (const socket of sockets) socket.disconnect();
  console.log('closed');
  setTimeout(() => process.exit(0), 200);
};
process.once('SIGTERM', close);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'close') close();
});

await Promise.all(Array.from({ length: 25 }, lane));
console.log(`connected ${connectedCount} failed ${failed}${firstError ? ` first error: ${firstError}` : ''}`);
