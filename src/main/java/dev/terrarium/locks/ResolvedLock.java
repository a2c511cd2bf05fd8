package dev.terrarium.locks;

import dev.terrarium.buildcontext.BuildContextGenerator;

/**
 * The resolved lock a build printed.
 *
 * @param text the lock exactly as the image holds it in {@link BuildContextGenerator#LOCK_FILE},
 *     lines ending in a newline: for conda, the @EXPLICIT list of the solved records with their
 *     sha256 followed by {@code # pip} lines (terrarium-conda); for venv, the output of {@code uv
 *     pip freeze} / {@code pip freeze}
 * @param packages how many packages the lock pins
 * @param pylockToml the exact lock of a venv build, as {@code uv pip compile --format pylock.toml}
 *     wrote it in {@link BuildContextGenerator#PYLOCK_FILE}, or null when the build printed none (a
 *     conda build, pip as installer, or the index could not be asked)
 */
public record ResolvedLock(String text, int packages, String pylockToml) {}
