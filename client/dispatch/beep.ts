// A short two-tone alert made with WebAudio (no sound file to fetch): new tickets on the console, offers on the phone.
let ctx: AudioContext | null = null;
/** How many alerts were played (or attempted): tests read it, since headless browsers have no speakers. */
let count = 0;

function audio(): AudioContext | null {
  if (typeof window === 'undefined' || !('AudioContext' in window)) return null;
  ctx ??= new AudioContext();
  return ctx;
}

/**
 * Browsers only let a page make sound after the user touched it: call this from the first tap or click
 * (sign-in, going on duty) so later alerts can play without one.
 */
export function unlockAudio(): void {
  void audio()?.resume().catch(() => {});
}

/** Plays `tones` beeps at `hz`; silently does nothing where audio is unavailable or still locked. */
export function beep(tones = 2, hz = 880): void {
  count++;
  if (typeof document !== 'undefined') document.documentElement.dataset.beeps = String(count);
  const a = audio();
  if (!a || a.state !== 'running') return;
  const t0 = a.currentTime + 0.01;
  for (let i = 0; i < tones; i++) {
    const osc = a.createOscillator();
    const gain = a.createGain();
    osc.type = 'sine';
    osc.frequency.value = i % 2 ? hz * 1.25 : hz;
    const start = t0 + i * 0.22;
    // A quick attack and decay: no click at either end.
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.35, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.18);
    osc.connect(gain).connect(a.destination);
    osc.start(start);
    osc.stop(start + 0.2);
  }
}

export function beepCount(): number {
  return count;
}
