"""The soundtrack: a synthesised music bed or the user's file, fades, voice-over ducking, loudness.

Audio is float32 stereo at :data:`RATE` as a ``(n, 2)`` array. The synthesised bed is
royalty-free by construction: drums, bass, pads and a plucked arpeggio on a four-chord
progression, all made here with numpy from a seed, so the same storyboard gives the same
samples. Loudness is normalised to the
storyboard's target (about -14 LUFS) as measured by ffmpeg's EBU R128 meter, with a peak
limiter keeping the mix under -1 dBFS.
"""
from __future__ import annotations

import math
import wave
from pathlib import Path

import numpy as np

from ..errors import InputError

RATE = 48_000
PEAK_CEILING = 10 ** (-1.0 / 20)  # -1 dBFS

# Chord roots (semitones above the key) and qualities per mood; four bars, repeated.
_PROGRESSIONS = {
    "bright": ((0, "maj"), (7, "maj"), (9, "min"), (5, "maj")),  # I V vi IV
    "warm": ((0, "maj"), (9, "min"), (5, "maj"), (7, "maj")),  # I vi IV V
    "dark": ((0, "min"), (8, "maj"), (3, "maj"), (10, "maj")),  # i VI III VII
    "festive": ((0, "maj"), (5, "maj"), (7, "maj"), (0, "maj")),  # I IV V I
}
_KEYS = (0, 2, 5, 7, 9)  # C, D, F, G, A: chosen by seed
_TRIADS = {"maj": (0, 4, 7), "min": (0, 3, 7)}


def _hz(midi: float) -> float:
    return 440.0 * 2 ** ((midi - 69) / 12)


def _env(n: int, attack: float, decay: float) -> np.ndarray:
    """Attack then exponential decay, ``n`` samples."""
    t = np.arange(n, dtype=np.float32) / RATE
    a = np.clip(t / max(attack, 1e-4), 0, 1)
    return a * np.exp(-t / max(decay, 1e-4))


def _add(buf: np.ndarray, start: float, sig: np.ndarray, pan: float = 0.0) -> None:
    i = int(round(start * RATE))
    if i >= buf.shape[0] or i + sig.shape[0] <= 0:
        return
    j = min(buf.shape[0], i + sig.shape[0])
    s = sig[: j - i]
    left, right = math.cos((pan + 1) * math.pi / 4), math.sin((pan + 1) * math.pi / 4)
    buf[i:j, 0] += s * left * math.sqrt(2)
    buf[i:j, 1] += s * right * math.sqrt(2)


def _kick(length: float = 0.35) -> np.ndarray:
    n = int(length * RATE)
    t = np.arange(n, dtype=np.float32) / RATE
    f = 45 + 90 * np.exp(-t / 0.04)
    phase = 2 * np.pi * np.cumsum(f) / RATE
    return (np.sin(phase) * np.exp(-t / 0.12)).astype(np.float32)


def _noise_hit(rng: np.random.Generator, length: float, decay: float, bright: float) -> np.ndarray:
    n = int(length * RATE)
    noise = rng.standard_normal(n).astype(np.float32)
    if bright > 0:  # crude high-pass: first difference, mixed by brightness
        noise = (1 - bright) * noise + bright * np.diff(noise, prepend=0.0).astype(np.float32)
    return noise * _env(n, 0.001, decay)


def _tone(freq: float, length: float, kind: str, attack: float, decay: float) -> np.ndarray:
    n = int(length * RATE)
    t = np.arange(n, dtype=np.float32) / RATE
    ph = 2 * np.pi * freq * t
    if kind == "sine":
        w = np.sin(ph)
    elif kind == "tri":
        w = 2 / np.pi * np.arcsin(np.sin(ph))
    else:  # soft saw: a few harmonics
        w = sum(np.sin(k * ph) / k for k in range(1, 6)) * 0.6
    return (w * _env(n, attack, decay)).astype(np.float32)


def synth_bed(duration: float, tempo: float, *, mood: str = "bright", seed: int = 0) -> np.ndarray:
    """A music bed of ``duration`` seconds whose beats fall at ``k * 60 / tempo``."""
    if mood not in _PROGRESSIONS:
        raise ValueError(f"unknown mood '{mood}'")
    rng = np.random.default_rng(seed)
    n = int(math.ceil(duration * RATE)) + RATE  # one spare second for tails
    buf = np.zeros((n, 2), np.float32)
    beat = 60.0 / tempo
    key = 48 + _KEYS[seed % len(_KEYS)]  # C3-ish
    prog = _PROGRESSIONS[mood]
    kick, four_floor = _kick(), tempo >= 115
    snare_src = _noise_hit(rng, 0.25, 0.07, 0.3)
    hats = [_noise_hit(rng, 0.06, 0.018, 0.95) for _ in range(4)]
    beats = int(math.ceil(duration / beat)) + 1
    for b in range(beats):
        t = b * beat
        bar, pos = divmod(b, 4)
        root, quality = prog[bar % len(prog)]
        # drums: the first bar is lighter (intro), then a steady groove
        if pos in (0, 2) or (four_floor and bar > 0):
            _add(buf, t, kick * (0.9 if bar > 0 else 0.6))
        if pos in (1, 3) and bar > 0:
            _add(buf, t, snare_src * 0.35, pan=0.1)
        for k in range(2):
            _add(buf, t + k * beat / 2, hats[(b * 2 + k) % 4] * (0.10 if k else 0.07), pan=-0.3)
        # bass: root on the eighths
        for k in range(2):
            _add(buf, t + k * beat / 2, _tone(_hz(key - 12 + root), beat / 2, "tri", 0.005, beat * 0.35) * 0.32)
        # pad: the chord, held over the bar
        if pos == 0:
            for iv in _TRIADS[quality]:
                pad = _tone(_hz(key + 12 + root + iv), beat * 4.2, "saw", beat * 0.6, beat * 4.0) * 0.05
                _add(buf, t, pad, pan=(iv - 3.5) / 8)
        # pluck arpeggio on the eighths (not for the dark mood, which stays sparse)
        if mood != "dark" or pos in (0, 2):
            for k in range(2):
                iv = _TRIADS[quality][(pos * 2 + k) % 3] + (12 if (pos * 2 + k) % 4 == 3 else 0)
                pl = _tone(_hz(key + 24 + root + iv), beat * 0.5, "sine", 0.002, beat * 0.18) * 0.09
                _add(buf, t + k * beat / 2, pl, pan=0.35 if k else -0.15)
    return buf[: int(round(duration * RATE))]


def decode_audio(path: str | Path, *, offset: float = 0.0, duration: float | None = None) -> np.ndarray:
    """Any audio (or a video's audio) as float32 stereo at RATE; raises InputError if it has none."""
    import av

    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: audio file not found")
    try:
        with av.open(str(p)) as container:
            if not container.streams.audio:
                raise InputError(f"{p}: no audio stream")
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="flt", layout="stereo", rate=RATE)
            if offset > 0.5:
                container.seek(int(max(0.0, offset - 0.5) / stream.time_base), stream=stream)
            chunks, first_t = [], None
            end = None if duration is None else offset + duration
            for frame in container.decode(stream):
                if first_t is None:
                    first_t = float(frame.time) if frame.time is not None else 0.0
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1, 2))
                if end is not None and frame.time is not None and frame.time > end + 0.1:
                    break
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1, 2))
    except InputError:
        raise
    except (av.error.FFmpegError, ValueError, OSError) as e:
        raise InputError(f"{p}: cannot decode the audio ({e})") from None
    if not chunks:
        raise InputError(f"{p}: the audio is empty")
    data = np.concatenate(chunks).astype(np.float32)
    skip = int(round(max(0.0, offset - (first_t or 0.0)) * RATE))
    data = data[skip:]
    if duration is not None:
        data = data[: int(round(duration * RATE))]
    return np.ascontiguousarray(data)


def fit_length(audio: np.ndarray, n: int) -> np.ndarray:
    """Pad with silence or cut to ``n`` samples."""
    if audio.shape[0] >= n:
        return audio[:n]
    out = np.zeros((n, 2), np.float32)
    out[: audio.shape[0]] = audio
    return out


def fades(audio: np.ndarray, fade_in: float, fade_out: float) -> np.ndarray:
    """Linear-in-dB-ish (cosine) fade in and out."""
    out = audio.copy()
    n = out.shape[0]
    for secs, head in ((fade_in, True), (fade_out, False)):
        k = min(n, int(secs * RATE))
        if k <= 1:
            continue
        ramp = (0.5 - 0.5 * np.cos(np.linspace(0, np.pi, k, dtype=np.float32)))[:, None]
        if head:
            out[:k] *= ramp
        else:
            out[n - k:] *= ramp[::-1]
    return out


def envelope(audio: np.ndarray, window: float = 0.03) -> np.ndarray:
    """RMS envelope per sample (mono), from windows of ``window`` seconds."""
    mono = audio.mean(axis=1) if audio.ndim == 2 else audio
    hop = max(1, int(window * RATE))
    pad = (-mono.shape[0]) % hop
    frames = np.pad(mono, (0, pad)).reshape(-1, hop)
    rms = np.sqrt((frames**2).mean(axis=1) + 1e-12)
    return np.repeat(rms, hop)[: mono.shape[0]]


def duck(music: np.ndarray, voice: np.ndarray, duck_db: float, *, attack: float = 0.06, release: float = 0.35) -> np.ndarray:
    """Lower ``music`` by ``duck_db`` wherever ``voice`` speaks, with smooth attack and release."""
    env = envelope(voice)
    peak = float(env.max()) if env.size else 0.0
    if peak <= 1e-5:
        return music
    speech = (env > peak * 0.1).astype(np.float32)  # within 20 dB of the voice's loudest
    # smooth at the envelope resolution: attack going down, release coming back up
    hop = int(0.01 * RATE)
    s = speech[::hop]
    g = np.empty_like(s)
    level, a_k, r_k = 0.0, 1 - math.exp(-0.01 / attack), 1 - math.exp(-0.01 / release)
    for i, v in enumerate(s):
        level += (v - level) * (a_k if v > level else r_k)
        g[i] = level
    amount = np.repeat(g, hop)[: music.shape[0]]
    if amount.shape[0] < music.shape[0]:
        amount = np.pad(amount, (0, music.shape[0] - amount.shape[0]))
    gain = 1.0 - (1.0 - 10 ** (duck_db / 20)) * amount
    return music * gain[:, None].astype(np.float32)


def _block_min(x: np.ndarray, block: int) -> np.ndarray:
    pad = (-x.shape[0]) % block
    return np.pad(x, (0, pad), constant_values=1.0).reshape(-1, block).min(axis=1)


def limit(audio: np.ndarray, ceiling: float = PEAK_CEILING) -> np.ndarray:
    """A look-ahead peak limiter: the gain dips just before a peak and recovers smoothly after it,
    so no sample exceeds ``ceiling`` (computed on 1 ms blocks, interpolated per sample)."""
    peak = np.abs(audio).max(axis=1)
    if peak.size == 0 or peak.max() <= ceiling:
        return audio
    block = RATE // 1000
    need = _block_min(np.minimum(1.0, ceiling / np.maximum(peak, 1e-9)), block)
    hold = 3  # blocks of look-ahead and hold each side
    padded = np.pad(need, hold, constant_values=1.0)
    held = np.lib.stride_tricks.sliding_window_view(padded, 2 * hold + 1).min(axis=1)
    release = 40  # blocks (~40 ms) of recovery
    kernel = np.ones(release, np.float64) / release
    smooth = np.minimum(held, np.convolve(np.pad(held, (release - 1, 0), constant_values=1.0), kernel, mode="valid"))
    centres = (np.arange(smooth.shape[0]) + 0.5) * block
    gain = np.interp(np.arange(audio.shape[0]), centres, smooth).astype(np.float32)
    return np.clip(audio * gain[:, None], -ceiling, ceiling)


def loudness(audio: np.ndarray) -> float:
    """Integrated loudness in LUFS (ITU-R BS.1770 / EBU R128), measured by ffmpeg's ``ebur128`` filter.

    ffmpeg is here anyway for encoding, and its meter costs a few milliseconds where importing
    a Python meter (SciPy's signal package) costs seconds. Silence gives -70 LUFS.
    """
    import re
    import subprocess

    from .encode import ffmpeg_exe

    if audio.shape[0] < int(0.5 * RATE):
        audio = fit_length(audio, int(0.5 * RATE))
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostats", "-nostdin", "-f", "f32le", "-ar", str(RATE), "-ac", "2",
           "-i", "pipe:0", "-af", "ebur128=framelog=quiet", "-f", "null", "-"]
    r = subprocess.run(cmd, input=np.ascontiguousarray(audio, dtype="<f4").tobytes(), capture_output=True)
    found = re.findall(rb"I:\s+(-?[\d.]+|-inf) LUFS", r.stderr)
    if r.returncode != 0 or not found:
        raise RuntimeError(f"ffmpeg ebur128 failed: {r.stderr.decode('utf-8', 'replace')[-300:]}")
    return float(found[-1])


def normalize(audio: np.ndarray, target: float = -14.0) -> np.ndarray:
    """Gain to ``target`` LUFS, then limit peaks to -1 dBFS (repeated, since limiting lowers loudness).

    The input is limited first, so a mix already at the target still has its peaks held."""
    out = limit(audio)
    for _ in range(3):
        lufs = loudness(out)
        if not math.isfinite(lufs) or lufs <= -69.5:
            return out  # silence stays silence
        if abs(lufs - target) < 0.3:
            break
        out = limit(out * np.float32(10 ** ((target - lufs) / 20)))
    return out.astype(np.float32)


def write_wav(audio: np.ndarray, path: str | Path) -> Path:
    """16-bit PCM stereo WAV (stdlib ``wave``) with TPDF-free plain rounding (deterministic)."""
    p = Path(path)
    pcm = np.clip(np.round(audio * 32767.0), -32768, 32767).astype("<i2")
    with wave.open(str(p), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())
    return p
