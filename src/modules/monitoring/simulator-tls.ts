import fs from 'node:fs';

/** A certificate and its key (PEM) for a simulated receiver that serves HTTPS, as real SSCv2 ones do. */
export interface SimulatorTls {
  cert: Buffer;
  key: Buffer;
  certFile: string;
}

/** `--tls-cert` and `--tls-key` read together: both or neither, each a readable PEM file. */
export function simulatorTls(
  certFile?: string,
  keyFile?: string,
  protocol?: string,
): SimulatorTls | undefined {
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) throw new Error('--tls-cert and --tls-key go together');
  if (protocol !== 'sennheiser-sscv2') throw new Error('--tls-cert is for --protocol sennheiser-sscv2');
  const read = (file: string, flag: string) => {
    try {
      return fs.readFileSync(file);
    } catch (err) {
      throw new Error(`${flag}: cannot read ${file} (${(err as Error).message})`, { cause: err });
    }
  };
  return { cert: read(certFile, '--tls-cert'), key: read(keyFile, '--tls-key'), certFile };
}
