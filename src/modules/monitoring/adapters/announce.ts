import dgram from 'node:dgram';

/**
 * Sends one announcement datagram from `host` (the simulated receiver's address, so a listener sees
 * the sender a real device would be) to a multicast group or one listener.
 */
export async function sendAnnouncement(
  host: string,
  target: { address: string; port: number },
  payload: Buffer,
): Promise<void> {
  const socket = dgram.createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => socket.bind(0, host, () => resolve()).once('error', reject));
    // Multicast leaves by the receiver's own interface, as from the device itself.
    const first = Number(target.address.split('.')[0]);
    if (first >= 224 && first <= 239) socket.setMulticastInterface(host);
    await new Promise<void>((resolve, reject) =>
      socket.send(payload, target.port, target.address, (err) => (err ? reject(err) : resolve())),
    );
  } finally {
    socket.close();
  }
}
