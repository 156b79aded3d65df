import jsQR from 'jsqr';
import { useEffect, useRef, useState } from 'react';
import { useT } from '../../i18n';

interface Detector {
  detect(source: HTMLVideoElement): Promise<Array<{ rawValue: string }>>;
}
declare global {
  interface Window {
    BarcodeDetector?: new (opts: { formats: string[] }) => Detector;
  }
}

/** Frames are decoded at most this wide: enough for a badge held at arm's length, cheap on a phone. */
const DECODE_WIDTH = 800;
const LOOK_EVERY_MS = 250;
/** The same badge held in front of the camera is one scan, not ten. */
const SAME_CODE_MS = 4000;

type Reader = (video: HTMLVideoElement) => Promise<string | null>;

/** The browser's own QR reader where it has one, otherwise jsQR (pure JS, shipped with the page). */
function qrReader(): { reader: Reader; engine: 'native' | 'jsqr' } {
  if (window.BarcodeDetector) {
    const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
    return {
      engine: 'native',
      reader: async (video) => (await detector.detect(video).catch(() => []))[0]?.rawValue ?? null,
    };
  }
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  return {
    engine: 'jsqr',
    reader: (video) => {
      if (!context || !video.videoWidth) return Promise.resolve(null);
      const scale = Math.min(1, DECODE_WIDTH / video.videoWidth);
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const code = jsQR(image.data, image.width, image.height, { inversionAttempts: 'dontInvert' });
      return Promise.resolve(code?.data || null);
    },
  };
}

/**
 * The camera as a badge reader, in every browser that lets a page use the camera (a secure page:
 * https or localhost). Used by every scanning desk (door, stand, entrance).
 */
export function CameraScanner({ onCode }: { onCode: (code: string) => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const t = useT();
  const [on, setOn] = useState(false);
  const [error, setError] = useState('');
  const [engine, setEngine] = useState<'native' | 'jsqr' | null>(null);
  const latest = useRef(onCode);
  latest.current = onCode;
  useEffect(() => {
    if (!on) return;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let last = '';
    let lastAt = 0;
    const { reader, engine } = qrReader();
    setEngine(engine);
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' } })
      .then(async (s) => {
        stream = s;
        if (stopped || !video.current) return;
        video.current.srcObject = s;
        await video.current.play();
        const look = async () => {
          if (stopped || !video.current) return;
          const code = await reader(video.current);
          if (code && (code !== last || Date.now() - lastAt > SAME_CODE_MS)) {
            last = code;
            lastAt = Date.now();
            latest.current(code);
          }
          timer = setTimeout(() => void look(), LOOK_EVERY_MS);
        };
        void look();
      })
      .catch((err: Error) => setError(t('scan.cameraUnavailable', { reason: err.message })));
    return () => {
      stopped = true;
      clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [on, t]);
  if (!navigator.mediaDevices?.getUserMedia) return <p className="muted small">{t('scan.noCamera')}</p>;
  return (
    <div className="camera">
      <button type="button" onClick={() => setOn((o) => !o)} aria-pressed={on}>
        {on ? t('scan.stopCamera') : t('scan.startCamera')}
      </button>
      {on && (
        <>
          <video ref={video} muted playsInline aria-label={t('scan.cameraPreview')} />
          {engine && (
            <span className="muted small" data-engine={engine}>
              {engine === 'native' ? t('scan.readerNative') : t('scan.readerJs')}
            </span>
          )}
        </>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  );
}
