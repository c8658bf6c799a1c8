const MUTE_KEY = 'baton.inbox.muted';

export function isMuted(): boolean {
  return localStorage.getItem(MUTE_KEY) === '1';
}

export function setMuted(muted: boolean): void {
  if (muted) localStorage.setItem(MUTE_KEY, '1');
  else localStorage.removeItem(MUTE_KEY);
  if (!muted && 'Notification' in window && Notification.permission === 'default') {
    void Notification.requestPermission();
  }
}

let audio: AudioContext | null = null;

/** A short two-tone chime, synthesised so no sound file has to be loaded. */
function chime(): void {
  try {
    const context = (audio ??= new AudioContext());
    const start = context.currentTime;
    [880, 1175].forEach((frequency, i) => {
      const osc = context.createOscillator();
      const gain = context.createGain();
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.15, start + i * 0.15);
      gain.gain.exponentialRampToValueAtTime(0.001, start + i * 0.15 + 0.3);
      osc.connect(gain).connect(context.destination);
      osc.start(start + i * 0.15);
      osc.stop(start + i * 0.15 + 0.3);
    });
  } catch {
    // No audio device: the visual notice is enough.
  }
}

/** A new assignment or offer: a chime, and a desktop notification when the tab is in the background. */
export function notifyAgent(title: string, body: string): void {
  if (isMuted()) return;
  chime();
  if (document.hidden && 'Notification' in window && Notification.permission === 'granted') {
    new Notification(title, { body, tag: 'baton-assignment' });
  }
}
