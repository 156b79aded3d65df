import dgram from 'node:dgram';
import net from 'node:net';
import type { CheckedAddress } from '../../../../core/net/outbound.ts';
import { MAX_DATAGRAM } from './protocol.ts';

/**
 * How command strings reach a Shure receiver: a TCP connection (every family since ULX-D), or UDP
 * datagrams (UHF-R). Either way the session above sees text chunks and an end; a UDP "connection"
 * is a socket that accepts datagrams from the receiver's address and port alone, and ends when the
 * receiver is silent for `stallMs` or the host answers that nothing listens there.
 */

export interface Transport {
  write(text: string): void;
  close(): void;
}

export interface TransportHooks {
  /** Received text; `whole`: one datagram, which holds only complete messages. */
  data(text: string, whole: boolean): void;
  /** A datagram too large to be a receiver's message. */
  oversized(bytes: number): void;
  ended(reason: string): void;
}

export interface TransportOptions {
  connectTimeoutMs: number;
  /** Ends the transport after this long without anything received (0: never). */
  stallMs?: number;
}

export async function openTcp(
  to: CheckedAddress,
  port: number,
  o: TransportOptions,
  hooks: TransportHooks,
): Promise<Transport> {
  const socket = net.connect({ host: to.address, port, family: to.family });
  socket.setNoDelay(true);
  socket.setEncoding('latin1');
  let ended = false;
  const end = (reason: string) => {
    if (ended) return;
    ended = true;
    socket.destroy();
    hooks.ended(reason);
  };
  socket.on('error', (err) => end(err.message));
  socket.on('close', () => end('connection closed by the receiver'));
  socket.on('data', (chunk: string) => hooks.data(chunk, false));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      end(`no connection within ${o.connectTimeoutMs} ms`);
      reject(new Error(`no connection within ${o.connectTimeoutMs} ms`));
    }, o.connectTimeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('close', () => {
      clearTimeout(timer);
      reject(new Error('connection closed'));
    });
  });
  if (o.stallMs) socket.setTimeout(o.stallMs, () => end(`no telemetry for ${o.stallMs} ms`));
  return {
    write: (text) => {
      if (!ended) socket.write(text);
    },
    close: () => end('closed'),
  };
}

export async function openUdp(
  to: CheckedAddress,
  port: number,
  o: TransportOptions,
  hooks: TransportHooks,
): Promise<Transport> {
  const socket = dgram.createSocket(to.family === 6 ? 'udp6' : 'udp4');
  let ended = false;
  let stall: NodeJS.Timeout | null = null;
  const end = (reason: string) => {
    if (ended) return;
    ended = true;
    if (stall) clearTimeout(stall);
    socket.close();
    hooks.ended(reason);
  };
  const heard = () => {
    if (!o.stallMs) return;
    if (stall) clearTimeout(stall);
    stall = setTimeout(() => end(`no telemetry for ${o.stallMs} ms`), o.stallMs);
    stall.unref();
  };
  // ECONNREFUSED: the host answered that nothing listens on the port (receiver booting, wrong port).
  socket.on('error', (err) => end(err.message));
  socket.on('message', (buf) => {
    heard();
    if (buf.length > MAX_DATAGRAM) return hooks.oversized(buf.length);
    hooks.data(buf.toString('latin1'), true);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no socket within ${o.connectTimeoutMs} ms`)),
      o.connectTimeoutMs,
    );
    socket.once('error', reject);
    socket.connect(port, to.address, () => {
      clearTimeout(timer);
      socket.off('error', reject);
      resolve();
    });
  });
  heard();
  return {
    // One message per datagram, as UHF-R receivers read them.
    write: (text) => {
      if (ended) return;
      for (const message of text.match(/\*[^*]*\*/g) ?? []) socket.send(message);
    },
    close: () => end('closed'),
  };
}
