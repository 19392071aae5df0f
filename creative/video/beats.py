"""Beats of a piece of music: onset strength, tempo, and beat tracking by dynamic programming.

The method is Ellis's ("Beat Tracking by Dynamic Programming", J. New Music Research 36(1), 2007),
written with numpy only (no librosa; SciPy's signal package is slow to import):

1. **Onset strength** (:func:`onset_strength`): a short-time Fourier transform (Hann window of
   :data:`N_FFT` samples, hop :data:`HOP_SECONDS`), mapped to :data:`N_MELS` mel bands and
   log-compressed; the spectral flux (the rise of each band from the previous frame, negative
   changes dropped) averaged over the bands, with its slow trend removed and lightly smoothed.
2. **Tempo** (:func:`estimate_tempo`): the autocorrelation of that envelope, weighted by a
   log-Gaussian around 110 BPM (the paper's perceptual prior, at 120) and helped by the value at
   twice the lag (a beat period also repeats at two beats), between ``lo_bpm`` and ``hi_bpm``;
   the peak is refined to a fraction of a frame by parabolic interpolation. A peak under
   :data:`MIN_PERIODICITY` of the envelope's energy means there is no beat to follow.
3. **Beats** (:func:`track_beats`): the best sequence of beat frames, trading onset strength at
   each beat against the squared log-ratio of every inter-beat interval to the period
   (``C*(t) = O(t) + max_τ(C*(τ) - α·log²((t-τ)/p))``), found by dynamic programming and
   traced back from the best score in the last period. Beats in silence before the music
   starts or after it stops are trimmed, and each beat is placed between frames by parabolic
   interpolation of the onset envelope.

The tempo reported is the slope of a least-squares line through the beat times, so it is as
precise as the beats are. Everything is deterministic (no randomness, fixed FFT sizes).
"""
from __future__ import annotations

import math

import numpy as np

#: STFT window (samples at 48 kHz: about 21 ms) and hop (seconds: 100 envelope frames a second).
N_FFT = 1024
HOP_SECONDS = 0.01
N_MELS = 40
F_MAX = 8000.0
#: Tempo prior: log-Gaussian centred here (BPM), width in octaves. Ellis centres it on 120 BPM;
#: 110 settles the common ambiguity of busy eighth notes (84 or 168 BPM?) on the slower, counted
#: beat, and still puts 140 BPM above 70 (advertising music lives between about 80 and 140).
PRIOR_BPM = 110.0
PRIOR_OCTAVES = 1.0
#: The envelope's autocorrelation at the beat period, as a share of its energy, under which
#: there is no steady beat (white noise or speech give under 0.2, music and click tracks over 0.6).
MIN_PERIODICITY = 0.3
#: How strongly beat intervals are held to the period (Ellis's α; larger is stricter).
TIGHTNESS = 100.0


def _mel(hz: np.ndarray) -> np.ndarray:
    return 2595.0 * np.log10(1.0 + hz / 700.0)


def _mel_filters(rate: int, n_fft: int, n_mels: int, f_max: float) -> np.ndarray:
    """Triangular mel filters (n_mels × bins), each summing to one."""
    bins = np.fft.rfftfreq(n_fft, 1.0 / rate)
    edges_mel = np.linspace(_mel(np.array(30.0)), _mel(np.array(min(f_max, rate / 2))), n_mels + 2)
    edges = 700.0 * (10 ** (edges_mel / 2595.0) - 1.0)
    fb = np.zeros((n_mels, bins.size), np.float32)
    for m in range(n_mels):
        lo, mid, hi = edges[m], edges[m + 1], edges[m + 2]
        up = (bins - lo) / max(mid - lo, 1e-9)
        down = (hi - bins) / max(hi - mid, 1e-9)
        fb[m] = np.clip(np.minimum(up, down), 0.0, None)
        s = fb[m].sum()
        if s > 0:
            fb[m] /= s
        else:  # narrower than a bin: take the nearest bin
            fb[m, int(np.argmin(np.abs(bins - mid)))] = 1.0
    return fb


def onset_strength(mono: np.ndarray, rate: int) -> tuple[np.ndarray, float]:
    """The onset-strength envelope of ``mono`` (float samples) and its frame rate (frames/s).

    Frame ``k`` of the envelope is the rise between STFT frames centred at ``k - 1`` and
    ``k`` hops, and is timed at their midpoint: ``(k - 0.5) / fps`` seconds.
    """
    hop = max(1, int(round(HOP_SECONDS * rate)))
    n_fft = N_FFT if rate >= 32_000 else 512
    x = np.asarray(mono, np.float32)
    if x.size < n_fft * 2:
        return np.zeros(0, np.float32), rate / hop
    x = np.pad(x, (n_fft // 2, n_fft // 2))  # frame k is centred at k * hop
    frames = np.lib.stride_tricks.sliding_window_view(x, n_fft)[::hop]
    window = np.hanning(n_fft).astype(np.float32)
    spec = np.abs(np.fft.rfft(frames * window, axis=1)).astype(np.float32)
    mel = spec @ _mel_filters(rate, n_fft, N_MELS, F_MAX).T
    peak = float(mel.max())
    if peak <= 1e-9:
        return np.zeros(frames.shape[0], np.float32), rate / hop
    # log compression relative to the loudest band (an 80 dB floor), so the gain of the file does not matter
    logmel = np.log10(np.maximum(mel / peak, 1e-8)) * 20.0
    logmel = np.maximum(logmel, -80.0)
    flux = np.maximum(0.0, np.diff(logmel, axis=0)).mean(axis=1)
    env = np.concatenate([[0.0], flux]).astype(np.float64)
    # remove the slow trend (a 0.4 s moving average), keep the rises, smooth over ~20 ms
    fps = rate / hop
    k = max(3, int(round(0.4 * fps)) | 1)
    trend = np.convolve(np.pad(env, k // 2, mode="edge"), np.ones(k) / k, mode="valid")
    env = np.maximum(env - trend, 0.0)
    g = np.exp(-0.5 * (np.arange(-3, 4) / 1.0) ** 2)
    env = np.convolve(env, g / g.sum(), mode="same")
    return env.astype(np.float32), fps


def _parabolic(y: np.ndarray, i: int) -> float:
    """Offset (−0.5..0.5) of the true peak near index ``i`` of ``y`` by a parabola through 3 points."""
    if i <= 0 or i >= y.size - 1:
        return 0.0
    a, b, c = float(y[i - 1]), float(y[i]), float(y[i + 1])
    den = a - 2 * b + c
    if den >= 0:  # not a maximum
        return 0.0
    return float(np.clip(0.5 * (a - c) / den, -0.5, 0.5))


def estimate_tempo(env: np.ndarray, fps: float, *, lo_bpm: float = 70.0, hi_bpm: float = 180.0) -> float:
    """The beat period of an onset envelope, in frames (0.0 when there is no steady pulse)."""
    if env.size < 8 or float(env.max()) <= 0:
        return 0.0
    e = env.astype(np.float64) - float(env.mean())
    n = e.size
    size = 1 << int(math.ceil(math.log2(2 * n)))
    f = np.fft.rfft(e, size)
    ac = np.fft.irfft(f * np.conj(f), size)[:n]
    ac /= np.maximum(n - np.arange(n), 1)  # unbiased: long lags see fewer products
    if ac[0] <= 0:
        return 0.0
    lo_lag = max(2, int(math.floor(fps * 60.0 / hi_bpm)))
    hi_lag = min(n // 2, int(math.ceil(fps * 60.0 / lo_bpm)))
    if hi_lag <= lo_lag + 1:
        return 0.0
    lags = np.arange(lo_lag, hi_lag + 1)
    bpm = 60.0 * fps / lags
    prior = np.exp(-0.5 * (np.log2(bpm / PRIOR_BPM) / PRIOR_OCTAVES) ** 2)
    pos = np.clip(ac, 0.0, None)
    double = np.array([pos[2 * lag] if 2 * lag < n else 0.0 for lag in lags])
    score = prior * (pos[lags] + 0.5 * double)
    best = int(np.argmax(score))
    if score[best] <= 0:
        return 0.0
    lag = int(lags[best])
    if pos[lag] < MIN_PERIODICITY * ac[0]:
        return 0.0  # no steady pulse: noise, speech, a drone
    return lag + _parabolic(pos, lag)


def track_beats(env: np.ndarray, period: float, *, tightness: float = TIGHTNESS) -> np.ndarray:
    """Beat positions (fractional envelope frames) given the period in frames (Ellis 2007)."""
    n = env.size
    if n == 0 or period < 2:
        return np.zeros(0)
    norm = float(env.std())
    if norm <= 0:
        return np.zeros(0)
    o = env.astype(np.float64) / norm
    # local score: the onset envelope smoothed by a Gaussian (sigma: a 32nd of the period), as in the paper
    half = int(round(period))
    w = np.exp(-0.5 * (np.arange(-half, half + 1) * 32.0 / period) ** 2)
    local = np.convolve(o, w, mode="same")
    # the previous beat lies between two periods and half a period back
    window = np.arange(-int(round(2 * period)), -int(round(period / 2)) + 1)
    cost = -tightness * np.log(-window / period) ** 2
    cum = np.zeros(n)
    back = np.full(n, -1, np.int64)
    for i in range(n):
        idx = i + window
        ok = idx >= 0
        if not ok.any():
            cum[i] = local[i]
            continue
        cand = cum[idx[ok]] + cost[ok]
        j = int(np.argmax(cand))
        if cand[j] > 0:
            cum[i] = local[i] + cand[j]
            back[i] = int(idx[ok][j])
        else:
            cum[i] = local[i]
    # end: the best score in the last period, among the local maxima of the cumulative score
    tail = max(0, n - int(round(period)))
    peaks = [i for i in range(tail, n) if (i == 0 or cum[i] >= cum[i - 1]) and (i == n - 1 or cum[i] >= cum[i + 1])]
    last = max(peaks or range(tail, n), key=lambda i: (cum[i], -i))
    beats = [last]
    while back[beats[-1]] >= 0:
        beats.append(int(back[beats[-1]]))
    beats = np.array(beats[::-1])
    # drop beats in silence at either end (onset strength under half the beats' RMS)
    strength = local[beats]
    floor = 0.5 * math.sqrt(float(np.mean(strength**2))) if strength.size else 0.0
    keep = np.nonzero(strength >= floor)[0]
    if keep.size == 0:
        return np.zeros(0)
    beats = beats[keep[0]: keep[-1] + 1]
    return np.array([b + _parabolic(local, int(b)) for b in beats])


def beat_times(audio: np.ndarray, rate: int = 48_000, *, lo_bpm: float = 70.0, hi_bpm: float = 180.0
               ) -> tuple[float, list[float]]:
    """Tempo (BPM) and beat times (seconds) of ``audio`` (mono, or ``(n, channels)``).

    Returns ``(0.0, [])`` when no steady beat is found (silence, noise, speech, a drone, too short).
    """
    mono = audio.mean(axis=1) if audio.ndim == 2 else audio
    env, fps = onset_strength(mono, rate)
    period = estimate_tempo(env, fps, lo_bpm=lo_bpm, hi_bpm=hi_bpm)
    if period <= 0:
        return 0.0, []
    frames = track_beats(env, period)
    if frames.size < 2:
        return 0.0, []
    times = (frames - 0.5) / fps
    times = times[times >= 0]
    if times.size >= 4:
        k = np.round((times - times[0]) / (period / fps))  # beat numbers (a skipped beat keeps its number)
        step = float(np.polyfit(k, times, 1)[0]) if k[-1] > 0 else period / fps
    else:
        step = period / fps
    return 60.0 / step, [round(float(t), 4) for t in times]
