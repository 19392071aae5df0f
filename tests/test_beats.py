"""Beat tracking on the user's music: synthesised click tracks at several tempos, with an offset,
swung off-beats and noise; tempo within 2 % and every beat within 30 ms."""
from __future__ import annotations

import numpy as np
import pytest

from creative.video.beats import beat_times, estimate_tempo, onset_strength

RATE = 48_000
TEMPO_TOLERANCE = 0.02
BEAT_TOLERANCE = 0.030


def click() -> np.ndarray:
    """A short percussive click: a 1.5 kHz ping and a low thump, decaying in a few ms."""
    t = np.arange(int(0.03 * RATE)) / RATE
    return (np.sin(2 * np.pi * 1500 * t) * np.exp(-t / 0.005) + 0.5 * np.sin(2 * np.pi * 180 * t) * np.exp(-t / 0.01)
            ).astype(np.float32)


def click_track(bpm: float, *, seconds: float = 12.0, offset: float = 0.0, swing: float | None = None,
                noise: float = 0.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A click on every beat from ``offset`` on; ``swing``: a weaker click that far into each beat;
    ``noise``: white noise of that RMS (a click peaks near 1). Returns (stereo audio, beat times)."""
    x = np.zeros(int(seconds * RATE), np.float32)
    c = click()
    beat = 60.0 / bpm
    truth = []

    def put(t: float, gain: float) -> None:
        i = int(round(t * RATE))
        j = min(x.size, i + c.size)
        if i < x.size:
            x[i:j] += gain * c[: j - i]

    t = offset
    while t < seconds - 0.05:
        put(t, 1.0)
        truth.append(t)
        if swing is not None:
            put(t + swing * beat, 0.45)
        t += beat
    if noise:
        x += np.random.default_rng(seed).standard_normal(x.size).astype(np.float32) * noise
    return np.stack([x, x], axis=1), np.array(truth)


VARIANTS = {
    "plain": {},
    "offset": {"offset": 0.37},
    "swing": {"offset": 0.21, "swing": 2 / 3},
    "noise": {"offset": 0.13, "noise": 0.1},
    "all": {"offset": 0.29, "swing": 0.62, "noise": 0.15},
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("bpm", [90, 120, 128, 140])
def test_click_tracks(bpm, variant):
    audio, truth = click_track(bpm, **VARIANTS[variant])
    tempo, beats = beat_times(audio, RATE)
    assert tempo == pytest.approx(bpm, rel=TEMPO_TOLERANCE)
    found = np.array(beats)
    # every click (but one at the very first instant, which has no "before" to rise from) is found...
    for t in truth[truth >= 0.1]:
        assert np.abs(found - t).min() <= BEAT_TOLERANCE, f"no beat within 30 ms of the click at {t:.3f} s"
    # ...and every beat is on a click (none on the swung off-beats, none in the silence before the first)
    for b in found:
        assert np.abs(truth - b).min() <= BEAT_TOLERANCE, f"beat at {b:.3f} s is on no click"


@pytest.mark.parametrize("tempo", [84, 92, 100, 108, 120, 128])
def test_synthesised_music_at_each_style_tempo(tempo):
    """The music bed (drums, bass, pads, eighth-note arpeggio) is tracked at its tempo, not twice it."""
    from creative.video.audio import synth_bed

    found_tempo, beats = beat_times(synth_bed(15.0, tempo, seed=2), RATE)
    assert found_tempo == pytest.approx(tempo, rel=TEMPO_TOLERANCE)
    beat = 60.0 / tempo
    off = [abs(b - round(b / beat) * beat) for b in beats]
    assert len(beats) >= 15.0 / beat - 3 and max(off) <= BEAT_TOLERANCE


def test_no_beat_in_silence_noise_or_a_drone():
    rng = np.random.default_rng(1)
    t = np.arange(8 * RATE) / RATE
    for audio in (np.zeros(8 * RATE, np.float32), rng.standard_normal(8 * RATE).astype(np.float32) * 0.2,
                  np.sin(2 * np.pi * 220 * t).astype(np.float32), np.zeros(1000, np.float32)):
        assert beat_times(audio, RATE) == (0.0, [])


def test_deterministic_and_gain_independent():
    audio, _ = click_track(128, offset=0.3, noise=0.05)
    a = beat_times(audio, RATE)
    assert beat_times(audio.copy(), RATE) == a
    quiet = beat_times(audio * 0.05, RATE)
    assert quiet[0] == pytest.approx(a[0], rel=1e-3) and np.allclose(quiet[1], a[1], atol=0.002)


def test_tempo_estimate_from_the_envelope():
    audio, _ = click_track(100, offset=0.2)
    env, fps = onset_strength(audio.mean(axis=1), RATE)
    assert fps == pytest.approx(100.0)
    assert 60 * fps / estimate_tempo(env, fps) == pytest.approx(100, rel=0.01)


def test_director_cuts_on_the_beats_of_user_music(product_photos, tmp_path):
    """With the user's music the scenes are cut on its beats (found, not the style's grid)."""
    from creative.content import Content
    from creative.video.audio import write_wav
    from creative.video.director import plan

    audio, truth = click_track(116, seconds=14, offset=0.23)
    music = write_wav(audio * 0.5, tmp_path / "clicks.wav")
    board, problems = plan([product_photos["bottle"]], Content.create("Lamp", price="20"), size=(180, 320),
                           duration=12, remover="fake", music=music, base_dir=tmp_path, style="clean")
    assert problems == []
    assert board.music.file == "clicks.wav" and board.music.tempo == pytest.approx(116, rel=TEMPO_TOLERANCE)
    for start in board.starts()[1:]:
        assert np.abs(truth - start).min() <= BEAT_TOLERANCE, f"cut at {start:.3f} s is not on a beat"
