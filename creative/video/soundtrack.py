"""A storyboard's soundtrack: music bed (synthesised or a file), clip sound, voice-over, loudness."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import audio
from .spec import Storyboard


@dataclass(frozen=True)
class Soundtrack:
    samples: np.ndarray  # float32 (n, 2) at audio.RATE
    source: str  # "synth" or the music file
    tempo: float
    lufs: float
    peak_db: float


def music_bed(board: Storyboard, base: Path, duration: float) -> tuple[np.ndarray, str]:
    m = board.music
    if m.file:
        p = Path(m.file)
        p = p if p.is_absolute() else base / p
        return audio.decode_audio(p, offset=m.offset, duration=duration), str(p)
    return audio.synth_bed(duration, m.tempo, mood=m.mood, seed=m.seed), "synth"


def build_soundtrack(board: Storyboard, base: Path, problems: list[str] | None = None) -> Soundtrack:
    """Mix the soundtrack of ``board`` (paths relative to ``base``), normalised to its loudness target."""
    problems = problems if problems is not None else []
    duration = board.frame_count / board.fps
    n = int(round(duration * audio.RATE))
    bed, source = music_bed(board, base, duration)
    music = audio.fit_length(bed, n) * np.float32(10 ** (board.music.gain_db / 20))
    music = audio.fades(music, board.music.fade_in, board.music.fade_out)
    extra = np.zeros_like(music)
    t = 0.0
    for scene in board.scenes:
        media = scene.media
        if media is not None and media.kind == "clip" and media.audio == "mix":
            p = Path(media.source)
            p = p if p.is_absolute() else base / p
            try:
                snd = audio.decode_audio(p, offset=media.start, duration=scene.duration)
            except Exception as e:  # noqa: BLE001 - a clip without sound is shown muted
                problems.append(f"scene {scene.id}: clip sound not mixed ({e})")
            else:
                snd = audio.fades(snd, 0.05, 0.15) * np.float32(10 ** (media.audio_gain_db / 20))
                i = int(round(t * audio.RATE))
                j = min(n, i + snd.shape[0])
                extra[i:j] += snd[: j - i]
        t += scene.duration
    if board.voiceover is not None:
        vo = board.voiceover
        p = Path(vo.file)
        p = p if p.is_absolute() else base / p
        voice = audio.decode_audio(p) * np.float32(10 ** (vo.gain_db / 20))
        placed = np.zeros_like(music)
        i = int(round(vo.offset * audio.RATE))
        j = min(n, i + voice.shape[0])
        if j > i:
            placed[i:j] = voice[: j - i]
        if voice.shape[0] > j - i:
            problems.append(f"voice-over {p.name} is longer than the video; its end is cut")
        music = audio.duck(music, placed, vo.duck_db)
        extra += placed
    mix = audio.normalize(music + extra, board.music.loudness)
    lufs = audio.loudness(mix)
    peak = float(np.abs(mix).max()) if mix.size else 0.0
    return Soundtrack(mix, source, board.music.tempo, lufs, 20 * np.log10(max(peak, 1e-9)))
